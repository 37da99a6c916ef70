using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Streamio.Abstractions.Projects;
using Streamio.Telemetry;

namespace Streamio.Grains.Webhooks;

/// <summary>
/// One webhook's deliveries (key: webhook id). One grain per webhook rather than per delivery: the delivery log is read
/// per webhook (one call, no index to keep), removing a webhook is one transition that also drops its reminder, a
/// receiver that is down costs one reminder rather than one per event, and a receiver coming back gets its backlog at a
/// bounded pace. Every event stays in state until it is delivered or its retry window ends.
/// <para>
/// Attempts run off the grain's turn (the HTTP call may take the whole timeout, and the video grains hand events over
/// inline), and report back through <see cref="RecordAttemptAsync"/>, guarded by the attempt number. A grain timer
/// wakes the grain for the next due attempt; a reminder, registered while anything is pending, brings it back after a
/// restart or on another silo, so retries survive both.
/// </para>
/// </summary>
[GrainType("webhook-deliveries")]
public sealed partial class WebhookDeliveryGrain(
    [PersistentState("webhook-deliveries", GrainStorage.Name)] IPersistentState<WebhookDeliveriesState> store,
    WebhookSender sender,
    IOptions<WebhookOptions> options,
    IOptions<ReminderOptions> reminders,
    TimeProvider time,
    ILogger<WebhookDeliveryGrain> logger) : Grain, IWebhookDeliveryGrain, IRemindable
{
    private const string RetryReminder = "webhook-retry";

    /// <summary>Attempts one webhook has in flight at once: a receiver coming back is not flooded with its backlog.</summary>
    private const int MaxInFlight = 8;

    /// <summary>Finished deliveries (delivered or failed) the log keeps: as many as GET /v1/webhooks/{id}/deliveries shows.</summary>
    private const int LogSize = 500;

    /// <summary>An attempt that has not reported back this long after its timeout is taken as lost and made again.</summary>
    private static readonly TimeSpan ReportGrace = TimeSpan.FromSeconds(30);

    /// <summary>Attempts in flight, by event id: the attempt number their report must carry.</summary>
    private readonly Dictionary<string, InFlight> _inFlight = new(StringComparer.Ordinal);

    private IGrainTimer? _timer;
    private bool _reminderRegistered;

    private WebhookDeliveriesState State => store.State;

    private WebhookOptions Settings => options.Value;

    private bool HasPending => State.Deliveries.Any(delivery => delivery.IsPending());

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (HasPending)
        {
            await EnsureReminderAsync();
            Pump();
        }
    }

    public async Task EnqueueAsync(WebhookTarget target, WebhookEvent webhookEvent)
    {
        if (Find(webhookEvent.EventId) is not null)
        {
            return;
        }
        var now = time.GetUtcNow();
        State.Target = target;
        State.Deliveries.Add(new DeliveryRecord
        {
            EventId = webhookEvent.EventId,
            EventType = webhookEvent.Type,
            VideoId = webhookEvent.VideoId,
            Body = webhookEvent.Body,
            CreatedAt = now,
            NextAttemptAt = now,
        });
        await SaveAsync();
        await EnsureReminderAsync();
        Pump();
    }

    public Task<IReadOnlyList<WebhookDeliveryView>> ListAsync(int limit) =>
        Task.FromResult<IReadOnlyList<WebhookDeliveryView>>(Enumerable.Reverse(State.Deliveries) // in hand-over order
            .Take(Math.Max(0, limit)).Select(delivery => delivery.View()).ToList());

    public async Task RecordAttemptAsync(string eventId, int attempt, DeliveryAttempt outcome)
    {
        if (_inFlight.TryGetValue(eventId, out var inFlight) && inFlight.Attempt == attempt)
        {
            _inFlight.Remove(eventId);
        }
        // A report from an attempt already recorded (or taken as lost and made again), or for a delivery removed meanwhile.
        if (Find(eventId) is not { } delivery || !delivery.IsPending() || delivery.Attempts != attempt - 1)
        {
            Pump();
            return;
        }
        var now = time.GetUtcNow();
        var retryAfter = outcome.Delivered ? null : NextDelay(delivery, now);
        delivery.Attempts = attempt;
        delivery.LastAttemptAt = now;
        delivery.ResponseCode = outcome.ResponseCode;
        delivery.LastError = outcome.Error;
        delivery.NextAttemptAt = now + retryAfter;
        delivery.Status = outcome.Delivered ? DeliveryStatus.Delivered : retryAfter is null ? DeliveryStatus.Failed : DeliveryStatus.Retrying;
        if (outcome.Delivered)
        {
            delivery.DeliveredAt = now;
        }
        if (!delivery.IsPending())
        {
            delivery.Body = null;
            TrimLog();
        }
        await SaveAsync();
        Log(delivery);
        if (!HasPending)
        {
            await StopReminderAsync();
        }
        Pump();
    }

    public async Task DeleteAsync()
    {
        _inFlight.Clear();
        StopTimer();
        if (store.RecordExists)
        {
            await store.ClearStateAsync();
        }
        await StopReminderAsync();
        DeactivateOnIdle();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (HasPending)
        {
            Pump();
        }
        else
        {
            await StopReminderAsync();
        }
    }

    /// <summary>Starts every due attempt there is room for, then sets the timer for the next thing to do.</summary>
    private void Pump()
    {
        if (State.Target is not { } target)
        {
            return;
        }
        var now = time.GetUtcNow();
        var lostAfter = TimeSpan.FromSeconds(Settings.TimeoutSeconds) + ReportGrace;
        foreach (var (eventId, _) in _inFlight.Where(entry => now - entry.Value.StartedAt > lostAfter).ToList())
        {
            _inFlight.Remove(eventId);
        }
        var waiting = State.Deliveries.Where(delivery => delivery.IsPending() && !_inFlight.ContainsKey(delivery.EventId)).ToList();
        var due = waiting.Where(delivery => delivery.NextAttemptAt <= now).OrderBy(delivery => delivery.NextAttemptAt)
            .Take(Math.Max(0, MaxInFlight - _inFlight.Count)).ToList();
        var self = this.AsReference<IWebhookDeliveryGrain>();
        foreach (var delivery in due)
        {
            var attempt = delivery.Attempts + 1;
            _inFlight[delivery.EventId] = new InFlight(attempt, now);
            var (eventId, eventType, body) = (delivery.EventId, delivery.EventType, delivery.Body ?? "");
            // Off the grain's scheduler: the attempt only touches the sender, and reports through a grain call.
            _ = Task.Run(() => AttemptAsync(self, target, eventId, eventType, body, attempt));
        }
        waiting.RemoveAll(due.Contains);
        var wakeUps = waiting.Select(delivery => delivery.NextAttemptAt ?? now)
            .Concat(_inFlight.Values.Select(flight => flight.StartedAt + lostAfter));
        if (wakeUps.Any())
        {
            SetTimer(wakeUps.Min() - now);
        }
        else
        {
            StopTimer();
        }
    }

    private async Task AttemptAsync(IWebhookDeliveryGrain self, WebhookTarget target, string eventId, string eventType, string body, int attempt)
    {
        var outcome = await sender.SendAsync(target, eventId, eventType, body, CancellationToken.None);
        try
        {
            await self.RecordAttemptAsync(eventId, attempt, outcome);
        }
        catch (Exception error)
        {
            // The attempt counts as lost and is made again (at least once, never silently dropped).
            LogReportFailed(logger, error, eventId, target.WebhookId);
        }
    }

    /// <summary>Doubling from FirstRetrySeconds up to MaxRetryIntervalSeconds; null once the next attempt would be past RetryForHours.</summary>
    private TimeSpan? NextDelay(DeliveryRecord delivery, DateTimeOffset now)
    {
        var delay = TimeSpan.FromSeconds(Math.Min(Settings.MaxRetryIntervalSeconds, Settings.FirstRetrySeconds * Math.Pow(2, delivery.Attempts)));
        return now + delay - delivery.CreatedAt > TimeSpan.FromHours(Settings.RetryForHours) ? null : delay;
    }

    /// <summary>Keeps the newest <see cref="LogSize"/> finished deliveries; pending ones always stay.</summary>
    private void TrimLog()
    {
        var finished = State.Deliveries.Where(delivery => !delivery.IsPending()).ToList();
        var excess = finished.Count - LogSize;
        if (excess > 0)
        {
            var forget = finished.Take(excess).ToHashSet();
            State.Deliveries.RemoveAll(forget.Contains);
        }
    }

    private DeliveryRecord? Find(string eventId) => State.Deliveries.FirstOrDefault(delivery => delivery.EventId == eventId);

    private async Task SaveAsync()
    {
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            // What is in memory may now differ from what is stored: start again from storage.
            DeactivateOnIdle();
            throw;
        }
    }

    private async Task EnsureReminderAsync()
    {
        if (!_reminderRegistered)
        {
            var period = TimeSpan.FromSeconds(Settings.ReminderPeriodSeconds);
            if (period < reminders.Value.MinimumReminderPeriod)
            {
                period = reminders.Value.MinimumReminderPeriod;
            }
            await this.RegisterOrUpdateReminder(RetryReminder, period, period);
            _reminderRegistered = true;
        }
    }

    private async Task StopReminderAsync()
    {
        if (await this.GetReminder(RetryReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
        _reminderRegistered = false;
    }

    private void SetTimer(TimeSpan dueTime)
    {
        dueTime = dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime;
        if (_timer is null)
        {
            _timer = this.RegisterGrainTimer(() =>
            {
                Pump();
                return Task.CompletedTask;
            }, new GrainTimerCreationOptions(dueTime, Timeout.InfiniteTimeSpan) { KeepAlive = true });
        }
        else
        {
            _timer.Change(dueTime, Timeout.InfiniteTimeSpan);
        }
    }

    private void StopTimer()
    {
        _timer?.Dispose();
        _timer = null;
    }

    private void Log(DeliveryRecord delivery)
    {
        var webhookId = this.GetPrimaryKeyString();
        StreamioTelemetry.WebhookDeliveries.Add(1, new KeyValuePair<string, object?>("outcome", delivery.Status.ToString().ToLowerInvariant()));
        switch (delivery.Status)
        {
            case DeliveryStatus.Delivered:
                LogDelivered(logger, delivery.EventId, delivery.EventType, webhookId, delivery.Attempts);
                break;
            case DeliveryStatus.Failed:
                LogGivenUp(logger, delivery.EventId, delivery.EventType, webhookId, delivery.Attempts, delivery.LastError);
                break;
            default:
                LogRetrying(logger, delivery.EventId, webhookId, delivery.Attempts, delivery.NextAttemptAt, delivery.LastError);
                break;
        }
    }

    private sealed record InFlight(int Attempt, DateTimeOffset StartedAt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Event {EventId} ({EventType}) was delivered to webhook {WebhookId} at attempt {Attempts}")]
    private static partial void LogDelivered(ILogger logger, string eventId, string eventType, string webhookId, int attempts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} to webhook {WebhookId} failed at attempt {Attempts}; next attempt at {NextAttemptAt}: {Error}")]
    private static partial void LogRetrying(ILogger logger, string eventId, string webhookId, int attempts, DateTimeOffset? nextAttemptAt, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} ({EventType}) to webhook {WebhookId} was given up after {Attempts} attempts: {Error}")]
    private static partial void LogGivenUp(ILogger logger, string eventId, string eventType, string webhookId, int attempts, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The outcome of an attempt of event {EventId} to webhook {WebhookId} could not be recorded; the attempt will be made again")]
    private static partial void LogReportFailed(ILogger logger, Exception error, string eventId, string webhookId);
}
