using System.Text.Json;
using Streamio.Backbone;
using Streamio.Grains.Videos;

namespace Streamio.Grains.Projects;

/// <summary>
/// The durable webhook outbox. A video event that webhooks announce enqueues a fan-out item in the same commit as the
/// event itself, so no event is lost to a restart; the fan-out records one delivery per subscribed webhook and
/// schedules its first attempt, and each attempt schedules the next one. Silos run all of it.
/// </summary>
public static class WebhookWork
{
    public const string Fanout = "webhook.fanout";
    public const string Deliver = "webhook.deliver";

    /// <summary>Above the encode work: a delivery is quick, and receivers want events while the video is still encoding.</summary>
    public const int Priority = 97;

    /// <summary>Attempts at the silo level (database trouble); HTTP failures are retried by the delivery's own schedule.</summary>
    public const int MaxAttempts = 10;

    public static readonly IReadOnlyList<string> EventTypes =
        [VideoEvents.Created, VideoEvents.Playable, VideoEvents.Ready, VideoEvents.Failed, VideoEvents.Deleted];

    public static bool Announces(string eventType) => EventTypes.Contains(eventType);

    public static NewWork FanoutOf(string type, VideoState video, DateTimeOffset videoCreatedAt, DateTimeOffset now) =>
        new(Fanout, JsonSerializer.Serialize(new FanoutWork($"evt_{Guid.CreateVersion7():N}", type, now, video, videoCreatedAt), GrainRuntime.Json),
            Group(video.ProjectId), Priority, MaxAttempts);

    public static NewWork DeliverOf(DeliverWork work, TimeSpan? delay) =>
        new(Deliver, JsonSerializer.Serialize(work, GrainRuntime.Json), Group(work.ProjectId), Priority, MaxAttempts, delay);

    /// <summary>Not the video's group: failing or deleting a video cancels its group, and its events must still go out.</summary>
    private static string Group(string projectId) => $"webhooks:{projectId}";
}

/// <param name="Video">The video's state as the event committed it (a deleted video can no longer be read).</param>
public sealed record FanoutWork(string EventId, string Type, DateTimeOffset OccurredAt, VideoState Video, DateTimeOffset VideoCreatedAt);

public sealed record DeliverWork(string ProjectId, string WebhookId, string EventId);
