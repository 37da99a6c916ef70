using System.Text.Json;
using Streamio.Backbone;

namespace Streamio.Grains.Projects;

public static class DeliveryStatus
{
    public const string Pending = "pending";
    public const string Retrying = "retrying";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
}

/// <summary>One event on its way to one webhook: the exact body every attempt sends, and how the attempts went.</summary>
public sealed class WebhookDeliveryState
{
    public required string EventId { get; init; }

    public required string EventType { get; init; }

    public required string ProjectId { get; init; }

    public required string WebhookId { get; init; }

    public required string VideoId { get; init; }

    public required string Body { get; init; }

    public string Status { get; set; } = DeliveryStatus.Pending;

    public int Attempts { get; set; }

    public string? LastError { get; set; }

    public int? ResponseCode { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? LastAttemptAt { get; set; }

    public DateTimeOffset? NextAttemptAt { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }
}

/// <summary>How one HTTP attempt went; <see cref="RetryAfter"/> null means no further attempt (delivered or given up).</summary>
public sealed record DeliveryAttempt(bool Delivered, int? ResponseCode, string? Error, TimeSpan? RetryAfter);

/// <summary>Delivery grains ("webhook-delivery", key "{webhookId}/{eventId}": the event id makes a second fan-out a no-op).</summary>
public sealed class WebhookDeliveries(GrainRuntime runtime, TimeProvider time)
{
    public const string GrainType = "webhook-delivery";

    public static GrainId IdOf(string webhookId, string eventId) => new(GrainType, $"{webhookId}/{eventId}");

    public Task<WebhookDeliveryState?> ReadAsync(string webhookId, string eventId, CancellationToken cancellationToken) =>
        runtime.ReadAsync<WebhookDeliveryState>(IdOf(webhookId, eventId), cancellationToken);

    /// <summary>A webhook's deliveries, newest first (event ids are time-ordered).</summary>
    public async Task<IReadOnlyList<WebhookDeliveryState>> ListAsync(string webhookId, int limit, CancellationToken cancellationToken) =>
        (await runtime.Store.PageAsync(GrainType, $"{webhookId}/", null, limit, cancellationToken))
            .Select(snapshot => JsonSerializer.Deserialize<WebhookDeliveryState>(snapshot.StateJson, GrainRuntime.Json)!).ToList();

    /// <summary>Records one delivery per webhook and schedules their first attempts, completing the fan-out item in the same commit.</summary>
    public Task FanOutAsync(FanoutWork work, IReadOnlyList<(WebhookRecord Webhook, string Body)> targets, WorkLease lease, CancellationToken cancellationToken) =>
        runtime.CallAsync<ProjectState, bool>(ProjectGrain.IdOf(work.Video.ProjectId), call =>
        {
            foreach (var (webhook, body) in targets)
            {
                call.Create(IdOf(webhook.Id, work.EventId), new WebhookDeliveryState
                {
                    EventId = work.EventId,
                    EventType = work.Type,
                    ProjectId = work.Video.ProjectId,
                    WebhookId = webhook.Id,
                    VideoId = work.Video.Id,
                    Body = body,
                    CreatedAt = time.GetUtcNow(),
                });
                call.Enqueue(WebhookWork.DeliverOf(new DeliverWork(work.Video.ProjectId, webhook.Id, work.EventId), null));
            }
            return Task.FromResult(true);
        }, cancellationToken, lease, completesLease: true);

    /// <summary>Records an attempt and, when it is to be retried, schedules the next one, completing this attempt's item.</summary>
    public Task RecordAttemptAsync(DeliverWork work, DeliveryAttempt attempt, WorkLease lease, CancellationToken cancellationToken) =>
        runtime.CallAsync<WebhookDeliveryState, bool>(IdOf(work.WebhookId, work.EventId), call =>
        {
            if (call.State is not { } delivery)
            {
                return Task.FromResult(false);
            }
            var now = time.GetUtcNow();
            delivery.Attempts++;
            delivery.LastAttemptAt = now;
            delivery.ResponseCode = attempt.ResponseCode;
            delivery.LastError = attempt.Error;
            delivery.NextAttemptAt = attempt.RetryAfter is { } delay ? now + delay : null;
            delivery.Status = attempt.Delivered ? DeliveryStatus.Delivered : attempt.RetryAfter is null ? DeliveryStatus.Failed : DeliveryStatus.Retrying;
            if (attempt.Delivered)
            {
                delivery.DeliveredAt = now;
            }
            call.Save();
            if (attempt.RetryAfter is { } retryAfter)
            {
                call.Enqueue(WebhookWork.DeliverOf(work, retryAfter));
            }
            return Task.FromResult(true);
        }, cancellationToken, lease, completesLease: true);
}
