using Streamio.Abstractions.Projects;

namespace Streamio.Grains.Webhooks;

/// <summary>One webhook's deliveries: the pending ones with the exact body each attempt sends, then a bounded log.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class WebhookDeliveriesState
{
    /// <summary>Where the deliveries go (set by the first event handed over).</summary>
    public WebhookTarget? Target { get; set; }

    /// <summary>In the order the events were handed over.</summary>
    public List<DeliveryRecord> Deliveries { get; set; } = [];
}

/// <summary>One event on its way to the webhook, and how the attempts went.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class DeliveryRecord
{
    public string EventId { get; set; } = "";

    public string EventType { get; set; } = "";

    public string VideoId { get; set; } = "";

    /// <summary>The JSON every attempt posts; dropped once the delivery is finished (the log does not show it).</summary>
    public string? Body { get; set; }

    public string Status { get; set; } = DeliveryStatus.Pending;

    public int Attempts { get; set; }

    public string? LastError { get; set; }

    public int? ResponseCode { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastAttemptAt { get; set; }

    public DateTimeOffset? NextAttemptAt { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    public bool IsPending() => Status is DeliveryStatus.Pending or DeliveryStatus.Retrying;

    public WebhookDeliveryView View() =>
        new(EventId, EventType, VideoId, Status, Attempts, ResponseCode, LastError, CreatedAt, LastAttemptAt, NextAttemptAt, DeliveredAt);
}
