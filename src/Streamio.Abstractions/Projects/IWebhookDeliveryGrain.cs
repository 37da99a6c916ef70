namespace Streamio.Abstractions.Projects;

/// <summary>
/// One webhook's deliveries (key: webhook id): every event handed to it is kept until its receiver acknowledged it or its
/// retry window ended, then remembered in the delivery log. Handing an event over twice is a no-op (by event id).
/// </summary>
public interface IWebhookDeliveryGrain : IGrainWithStringKey
{
    /// <summary>Records the event for delivery to <paramref name="target"/>; returns once that is durable.</summary>
    Task EnqueueAsync(WebhookTarget target, WebhookEvent webhookEvent);

    /// <summary>The delivery log, the event handed over last first.</summary>
    [ReadOnly]
    Task<IReadOnlyList<WebhookDeliveryView>> ListAsync(int limit);

    /// <summary>How attempt <paramref name="attempt"/> of an event went (the grain's own sender reports here).</summary>
    Task RecordAttemptAsync(string eventId, int attempt, DeliveryAttempt outcome);

    /// <summary>Forgets every delivery (the webhook was removed): pending ones are never attempted again.</summary>
    Task DeleteAsync();
}

/// <summary>Where a webhook's deliveries go and the secret that signs them.</summary>
[GenerateSerializer, Immutable]
public sealed record WebhookTarget(string ProjectId, string WebhookId, string Url, string Secret);

/// <summary>One event as every attempt sends it: <paramref name="Body"/> is the exact JSON posted (and signed).</summary>
[GenerateSerializer, Immutable]
public sealed record WebhookEvent(string EventId, string Type, string VideoId, string Body);

/// <summary>How one HTTP attempt went.</summary>
[GenerateSerializer, Immutable]
public sealed record DeliveryAttempt(bool Delivered, int? ResponseCode, string? Error);

public static class DeliveryStatus
{
    public const string Pending = "pending";
    public const string Retrying = "retrying";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
}

/// <summary>One line of a webhook's delivery log.</summary>
/// <param name="Status">One of <see cref="DeliveryStatus"/>.</param>
[GenerateSerializer, Immutable]
public sealed record WebhookDeliveryView(
    string EventId,
    string EventType,
    string VideoId,
    string Status,
    int Attempts,
    int? ResponseCode,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? DeliveredAt);
