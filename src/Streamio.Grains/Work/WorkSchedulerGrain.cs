using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Streamio.Abstractions.Videos;
using Streamio.Abstractions.Work;

namespace Streamio.Grains.Work;

/// <summary>
/// The cluster's work queue: one activation (key 0), wherever Orleans places it. Silo workers long-poll it for the most
/// urgent ticket, so every silo, including one that joined mid-encode, takes work as it has free workers. It watches
/// Orleans membership and tells videos at once when a silo running their work is declared dead.
/// Its queue is memory only: videos own the durable truth and hand their tickets again when they are checked, so a
/// restarted scheduler fills up again within one check period. Reentrant: every change is synchronous between awaits.
/// </summary>
[Reentrant]
public sealed partial class WorkSchedulerGrain(IClusterMembershipService membership, TimeProvider time, ILogger<WorkSchedulerGrain> logger)
    : Grain, IWorkSchedulerGrain
{
    private readonly Dictionary<(string VideoId, int ItemId), Queued> _waiting = [];
    private readonly Dictionary<(string VideoId, int ItemId), string> _running = [];
    private readonly List<TaskCompletionSource> _takers = [];
    private long _sequence;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(WatchMembershipAsync, new GrainTimerCreationOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)) { Interleave = true });
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
        WakeTakers();
        return Task.CompletedTask;
    }

    public Task CancelAsync(string videoId)
    {
        foreach (var key in _waiting.Keys.Where(key => key.VideoId == videoId).ToList())
        {
            _waiting.Remove(key);
        }
        return Task.CompletedTask;
    }

    public async Task<WorkTicket?> TakeAsync(string siloAddress, TimeSpan wait)
    {
        var deadline = time.GetUtcNow() + wait;
        while (true)
        {
            var now = time.GetUtcNow();
            var next = _waiting.Values.Where(queued => queued.Ticket.NotBefore <= now)
                .OrderByDescending(queued => queued.Ticket.Priority).ThenBy(queued => queued.Sequence).FirstOrDefault();
            if (next is not null)
            {
                var key = (next.Ticket.VideoId, next.Ticket.ItemId);
                _waiting.Remove(key);
                _running[key] = siloAddress;
                return next.Ticket;
            }
            var remaining = deadline - now;
            if (remaining <= TimeSpan.Zero)
            {
                return null;
            }
            // Sleep until new work arrives, a delayed retry falls due, or the poll ends.
            var dueIn = _waiting.Values.Select(queued => queued.Ticket.NotBefore - now).DefaultIfEmpty(remaining).Min();
            var woken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _takers.Add(woken);
            await Task.WhenAny(woken.Task, Task.Delay(dueIn < remaining ? dueIn : remaining, time));
            _takers.Remove(woken);
        }
    }

    public Task DoneAsync(string videoId, int itemId)
    {
        _running.Remove((videoId, itemId));
        return Task.CompletedTask;
    }

    public Task<SchedulerView> GetViewAsync() => Task.FromResult(new SchedulerView(
        _waiting.Count,
        _running.Count,
        _running.Values.GroupBy(silo => silo).ToDictionary(group => group.Key, group => group.Count()),
        _waiting.Keys.Select(key => key.VideoId).Concat(_running.Keys.Select(key => key.VideoId)).Distinct().Count()));

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
        var dead = _running.Values.Distinct()
            .Where(silo => snapshot.GetSiloStatus(SiloAddress.FromParsableString(silo)) == SiloStatus.Dead).ToHashSet();
        foreach (var silo in dead)
        {
            var lost = _running.Where(pair => pair.Value == silo).Select(pair => pair.Key).ToList();
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
        return Task.CompletedTask;
    }

    private sealed record Queued(WorkTicket Ticket, long Sequence);

    [LoggerMessage(LogLevel.Warning, "Silo {Silo} was declared dead with {Count} work items running; their videos run them again")]
    private partial void LogSiloDead(string silo, int count);
}
