using System.Text.Json;
using Streamio.Backbone;

namespace Streamio.Grains.Work;

/// <summary>The work items a video schedules, and their priorities (higher runs first).</summary>
public static class WorkKinds
{
    public const string Probe = "video.probe";
    public const string EncodeChunk = "video.encode-chunk";
    public const string EncodeAudio = "video.encode-audio";
    public const string Sync = "video.sync";
    public const string Finish = "video.finish";

    public const int ProbePriority = 100;
    public const int SyncPriority = 95;
    /// <summary>The first segment at the lowest rung: with the audio's first segment, the video is playable.</summary>
    public const int FastStartPriority = 90;

    /// <summary>Before the other rungs' first segment, which is heavy and would starve the fast start of CPU.</summary>
    public const int AudioPriority = 88;

    public const int FirstSegmentPriority = 85;
    public const int ChunkPriority = 50;
    public const int FinishPriority = 40;

    public static NewWork Create<T>(string kind, T payload, string videoId, int priority, int maxAttempts) =>
        new(kind, JsonSerializer.Serialize(payload, GrainRuntime.Json), videoId, priority, maxAttempts);

    public static T Read<T>(WorkLease lease) =>
        JsonSerializer.Deserialize<T>(lease.PayloadJson, GrainRuntime.Json)
        ?? throw new InvalidOperationException($"Work #{lease.WorkId} has an empty payload.");
}

public sealed record VideoWork(string VideoId);

public sealed record ChunkWork(string VideoId, int FirstSegment, int SegmentCount, IReadOnlyList<string> Rungs, bool IsLastChunk);
