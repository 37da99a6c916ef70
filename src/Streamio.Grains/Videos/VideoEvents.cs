using System.Text.Json;
using Streamio.Backbone;

namespace Streamio.Grains.Videos;

/// <summary>Events a video publishes (topic "video", key = video id). Subscribers re-read the video; the payload says why.</summary>
public static class VideoEvents
{
    public const string Topic = "video";

    public const string Created = "video.created";
    public const string StatusChanged = "video.status";
    public const string Progress = "video.progress";
    public const string Playable = "video.playable";
    public const string Ready = "video.ready";
    public const string Failed = "video.failed";
    public const string Deleted = "video.deleted";

    public static NewEvent Create(string type, VideoState video) =>
        new(Topic, video.Id, JsonSerializer.Serialize(new VideoEventPayload(type, video.Id, video.Status, video.Error), GrainRuntime.Json));

    public static VideoEventPayload? Read(GrainEvent grainEvent) =>
        grainEvent.Topic == Topic ? JsonSerializer.Deserialize<VideoEventPayload>(grainEvent.PayloadJson, GrainRuntime.Json) : null;
}

public sealed record VideoEventPayload(string Type, string VideoId, VideoStatus Status, string? Error);
