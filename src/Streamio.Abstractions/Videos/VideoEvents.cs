namespace Streamio.Abstractions.Videos;

/// <summary>The video events webhooks can subscribe to.</summary>
public static class VideoEventTypes
{
    public const string Created = "video.created";
    public const string Playable = "video.playable";
    public const string Ready = "video.ready";
    public const string Failed = "video.failed";
    public const string Deleted = "video.deleted";

    public static readonly IReadOnlyList<string> All = [Created, Playable, Ready, Failed, Deleted];
}

/// <summary>
/// An event a video committed, as handed to its project for webhook delivery. The id makes a second hand-over of the
/// same event (a retry after a crash) a no-op.
/// </summary>
/// <param name="Video">The video as the event committed it (a deleted video can no longer be read).</param>
[GenerateSerializer, Immutable]
public sealed record VideoEvent(string EventId, string Type, DateTimeOffset OccurredAt, VideoView Video)
{
    public static string NewId() => $"evt_{Guid.CreateVersion7():N}";
}
