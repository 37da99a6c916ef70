using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Streamio.Abstractions.Videos;
using Streamio.Abstractions.Work;
using Streamio.Telemetry;

namespace Streamio.Grains.Work;

/// <summary>
/// The cluster's work queue: one activation (key 0), wherever Orleans places it. Silo workers long-poll it for the most
/// urgent ticket, so every silo, including one that joined mid-encode, takes work as it has free workers. It watches
/// Orleans membership and tells videos at once when a silo running their work is declared dead.
/// Its queue is memory only: videos own the durable truth and hand their tickets again when they are checked, so a
/// restarted scheduler fills up again within one check period. Reentrant: every change is synchronous between awaits.
/// After each change it publishes its counts per kind to this silo's <see cref="WorkReadings"/> (the
/// <c>streamio.work.waiting</c> and <c>streamio.work.in_flight</c> gauges), and withdraws them when it deactivates.
/// </summary>
[Reentrant]
public sealed partial class WorkSchedulerGrain(IClusterMembershipService membership, TimeProvider time, ILogger<WorkSchedulerGrain> logger)
    : Grain, IWorkSchedulerGrain
{
    /// <summary>A silo whose workers have not polled for this long and run nothing no longer counts (idle ones poll every 2 s).</summary>
    private static readonly TimeSpan WorkersForgottenAfter = TimeSpan.FromMinutes(1);

    private readonly Dictionary<(string VideoId, int ItemId), Queued> _waiting = [];
    private readonly Dictionary<(string VideoId, int ItemId), Running> _running = [];
    private readonly List<TaskCompletionSource> _takers = [];

    /// <summary>Each silo's general workers, as its last poll said, and when.</summary>
    private readonly Dictionary<string, (int Workers, DateTimeOffset SeenAt)> _workers = [];
    private long _sequence;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(WatchMembershipAsync, new GrainTimerCreationOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)) { Interleave = true });
        PublishCounts();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Whichever silo activates the scheduler next reports the queue; this one stops.
        WorkReadings.WithdrawQueue(this);
        return Task.CompletedTask;
    }

    public Task EnqueueAsync(IReadOnlyList<WorkTicket> tickets)
    {
        foreach (var ticket in tickets)
        {
            var key = (ticket.VideoId, ticket.ItemId);
            // The video says the item is pending: whatever this queue thought was running it no longer is.
            _running.Remove(key);
            _waiting[key] = new Queued(ticket, _waiting.TryGetValue(key, out var queued) ? queued.Sequence : _sequence++);
        }
        PublishCounts();
        WakeTakers();
        return Task.CompletedTask;
    }

    public Task CancelAsync(string videoId)
    {
        foreach (var key in _waiting.Keys.Where(key => key.VideoId == videoId).ToList())
        {
            _waiting.Remove(key);
        }
        PublishCounts();
        return Task.CompletedTask;
    }

    public async Task<WorkTicket?> TakeAsync(string siloAddress, TimeSpan wait, int minimumPriority = int.MinValue, int siloWorkers = 0)
    {
        if (siloWorkers > 0)
        {
            _workers[siloAddress] = (siloWorkers, time.GetUtcNow());
        }
        var deadline = time.GetUtcNow() + wait;
        while (true)
        {
            var now = time.GetUtcNow();
            var eligible = _waiting.Values.Where(queued => queued.Ticket.Priority >= minimumPriority).ToList();
            var next = eligible.Where(queued => queued.Ticket.NotBefore <= now)
                .OrderByDescending(queued => queued.Ticket.Priority).ThenBy(queued => queued.Sequence).FirstOrDefault();
            if (next is not null)
            {
                var key = (next.Ticket.VideoId, next.Ticket.ItemId);
                _waiting.Remove(key);
                _running[key] = new Running(siloAddress, next.Ticket.Kind);
                PublishCounts();
                return next.Ticket;
            }
            var remaining = deadline - now;
            if (remaining <= TimeSpan.Zero)
            {
                return null;
            }
            // Sleep until new work arrives, a delayed retry falls due, or the poll ends.
            var dueIn = eligible.Select(queued => queued.Ticket.NotBefore - now).DefaultIfEmpty(remaining).Min();
            var woken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _takers.Add(woken);
            await Task.WhenAny(woken.Task, Task.Delay(dueIn < remaining ? dueIn : remaining, time));
            _takers.Remove(woken);
        }
    }

    public Task DoneAsync(string videoId, int itemId)
    {
        if (_running.Remove((videoId, itemId)))
        {
            PublishCounts();
        }
        return Task.CompletedTask;
    }

    public Task<int> GetWorkersAsync()
    {
        // A silo busy with long chunks does not poll: its running work keeps it counted.
        var now = time.GetUtcNow();
        var busy = _running.Values.Select(running => running.Silo).ToHashSet();
        var workers = _workers.Where(pair => now - pair.Value.SeenAt < WorkersForgottenAfter || busy.Contains(pair.Key)).Sum(pair => pair.Value.Workers);
        return Task.FromResult(Math.Max(1, workers));
    }

    public Task<SchedulerView> GetViewAsync() => Task.FromResult(new SchedulerView(
        _waiting.Count,
        _running.Count,
        _running.Values.GroupBy(running => running.Silo).ToDictionary(group => group.Key, group => group.Count()),
        _waiting.Keys.Select(key => key.VideoId).Concat(_running.Keys.Select(key => key.VideoId)).Distinct().Count(),
        _workers.ToDictionary(pair => pair.Key, pair => pair.Value.Workers)));

    private void WakeTakers()
    {
        foreach (var taker in _takers.ToList())
        {
            taker.TrySetResult();
        }
    }

    private Task WatchMembershipAsync(CancellationToken cancellationToken)
    {
        var snapshot = membership.CurrentSnapshot;
        var dead = _running.Values.Select(running => running.Silo).Distinct()
            .Where(silo => snapshot.GetSiloStatus(SiloAddress.FromParsableString(silo)) == SiloStatus.Dead).ToHashSet();
        foreach (var gone in _workers.Keys.Where(silo => snapshot.GetSiloStatus(SiloAddress.FromParsableString(silo)) == SiloStatus.Dead).ToList())
        {
            _workers.Remove(gone);
        }
        foreach (var silo in dead)
        {
            var lost = _running.Where(pair => pair.Value.Silo == silo).Select(pair => pair.Key).ToList();
            LogSiloDead(silo, lost.Count);
            foreach (var key in lost)
            {
                _running.Remove(key);
            }
            foreach (var videoId in lost.Select(key => key.VideoId).Distinct())
            {
                // One-way: the video re-queues its items through EnqueueAsync; its reminder repeats this if the message is lost.
                GrainFactory.GetGrain<IVideoGrain>(videoId).OnSiloDeadAsync(silo).Ignore();
            }
        }
        if (dead.Count > 0)
        {
            PublishCounts();
        }
        return Task.CompletedTask;
    }

    /// <summary>An immutable snapshot for the gauges, which read it off the grain's scheduler.</summary>
    private void PublishCounts()
    {
        var waiting = WorkKinds.All.ToDictionary(kind => kind.Label(), _ => 0, StringComparer.Ordinal);
        var inFlight = new Dictionary<string, int>(waiting, StringComparer.Ordinal);
        foreach (var queued in _waiting.Values)
        {
            waiting[queued.Ticket.Kind.Label()]++;
        }
        foreach (var running in _running.Values)
        {
            inFlight[running.Kind.Label()]++;
        }
        WorkReadings.PublishQueue(this, new WorkReadings.QueueCounts(waiting, inFlight));
    }

    private sealed record Queued(WorkTicket Ticket, long Sequence);

    private sealed record Running(string Silo, WorkKind Kind);

    [LoggerMessage(LogLevel.Warning, "Silo {Silo} was declared dead with {Count} work items running; their videos run them again")]
    private partial void LogSiloDead(string silo, int count);
}
