using System.Collections.Concurrent;
using System.Diagnostics;
using Streamio.Telemetry;
using Attributes = Streamio.Telemetry.StreamioTelemetry.Attributes;

namespace Streamio.Host.Tests.Progressive;

/// <summary>
/// One chunk work attempt: which work item encoded which segments of which rungs, when it started, and when its FFmpeg
/// ended (before the attempt's report, which lets the video hand out what waited for it).
/// </summary>
public sealed record ChunkWork(string VideoId, int Item, int FirstSegment, int SegmentCount, string Rungs, DateTime Started, DateTime Encoded)
{
    public string Chunk => $"segments {FirstSegment}+{SegmentCount} of {Rungs}";
}

/// <summary>
/// The chunk work attempts of the videos encoded meanwhile, heard from Streamio's own spans in this process (the node
/// runs in it). Two items for the same chunk mean it was encoded twice.
/// </summary>
public sealed class ChunkWorkSpans : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<ChunkWork> _chunks = new();
    private readonly ConcurrentQueue<(string VideoId, DateTime Started)> _probes = new();
    private readonly ConcurrentDictionary<ActivitySpanId, DateTime> _encodesEnded = new();

    public ChunkWorkSpans()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == StreamioTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.DisplayName == "ffmpeg chunk")
                {
                    // A child stops before its work span: kept until that one stops.
                    _encodesEnded[activity.ParentSpanId] = activity.StartTimeUtc + activity.Duration;
                }
                else if (activity.GetTagItem(Attributes.FirstSegment) is int first && activity.GetTagItem(Attributes.SegmentCount) is int count
                    && activity.GetTagItem(Attributes.VideoId) is string videoId && activity.GetTagItem(Attributes.WorkItem) is int item)
                {
                    _chunks.Enqueue(new ChunkWork(videoId, item, first, count, activity.GetTagItem("streamio.chunk.rungs") as string ?? "",
                        activity.StartTimeUtc, _encodesEnded.TryRemove(activity.SpanId, out var encoded) ? encoded : activity.StartTimeUtc + activity.Duration));
                }
                // A probe the video handed out (a ticket it refused has no attempt).
                else if (activity.GetTagItem(Attributes.WorkKind) as string == "probe" && activity.GetTagItem(Attributes.WorkAttempt) is not null
                    && activity.GetTagItem(Attributes.VideoId) is string probed)
                {
                    _probes.Enqueue((probed, activity.StartTimeUtc));
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Every chunk attempt of <paramref name="videoId"/> heard so far.</summary>
    public IReadOnlyList<ChunkWork> Of(string videoId) => [.. _chunks.Where(chunk => chunk.VideoId == videoId)];

    /// <summary>When each probe attempt of <paramref name="videoId"/> started, in order.</summary>
    public IReadOnlyList<DateTime> ProbeStarts(string videoId) => [.. _probes.Where(probe => probe.VideoId == videoId).Select(probe => probe.Started).Order()];

    /// <summary>Every chunk of <paramref name="videoId"/> encoded, with the distinct work items that encoded it.</summary>
    public IReadOnlyDictionary<string, int[]> ItemsByChunk(string videoId) =>
        Of(videoId).GroupBy(chunk => chunk.Chunk).ToDictionary(group => group.Key, group => group.Select(chunk => chunk.Item).Distinct().ToArray());

    public void Dispose() => _listener.Dispose();
}
