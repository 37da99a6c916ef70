using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Streamio.Abstractions.Watermarks;

namespace Streamio.Grains.Watermarks;

/// <summary>
/// The cluster's watermark session slots: one activation (key 0), memory only. Each silo's session host polls it with
/// its capacity and running count, which is how it learns the free slots; a request is admitted only against a free
/// slot, so "the cluster is full" is one comparison. Silos that stop polling, or that membership declares dead, stop
/// counting, and the sessions they ran are told to find another silo. Reentrant: every change is synchronous between awaits.
/// </summary>
[Reentrant]
public sealed partial class WatermarkSlotsGrain(IClusterMembershipService membership, TimeProvider time, ILogger<WatermarkSlotsGrain> logger)
    : Grain, IWatermarkSlotsGrain
{
    /// <summary>A silo that has not polled for this long (it polls every 2 s) holds no free slots.</summary>
    private static readonly TimeSpan Stale = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, WatermarkSiloSlots> _silos = [];
    private readonly List<string> _waiting = [];
    private readonly Dictionary<string, string> _running = [];
    private readonly List<TaskCompletionSource> _takers = [];

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(WatchMembershipAsync, new GrainTimerCreationOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)) { Interleave = true });
        return Task.CompletedTask;
    }

    public Task<bool> OfferAsync(string sessionKey)
    {
        if (_waiting.Contains(sessionKey))
        {
            return Task.FromResult(true);
        }
        if (Free() <= 0)
        {
            return Task.FromResult(false);
        }
        _waiting.Add(sessionKey);
        _running.Remove(sessionKey);
        Wake();
        return Task.FromResult(true);
    }

    public async Task<string?> TakeAsync(string silo, int capacity, int running, TimeSpan wait)
    {
        var deadline = time.GetUtcNow() + wait;
        _silos[silo] = new WatermarkSiloSlots(silo, capacity, running, time.GetUtcNow());
        while (true)
        {
            var slots = _silos[silo];
            if (slots.Running < slots.Capacity && _waiting.Count > 0)
            {
                var key = _waiting[0];
                _waiting.RemoveAt(0);
                _running[key] = silo;
                _silos[silo] = slots with { Running = slots.Running + 1, LastSeen = time.GetUtcNow() };
                return key;
            }
            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return null;
            }
            var woken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _takers.Add(woken);
            await Task.WhenAny(woken.Task, Task.Delay(remaining, time));
            _takers.Remove(woken);
            _silos[silo] = _silos[silo] with { LastSeen = time.GetUtcNow() };
        }
    }

    public Task DoneAsync(string sessionKey)
    {
        if (_running.Remove(sessionKey, out var silo) && _silos.TryGetValue(silo, out var slots))
        {
            _silos[silo] = slots with { Running = Math.Max(0, slots.Running - 1) };
        }
        return Task.CompletedTask;
    }

    public Task<WatermarkSlotsView> GetViewAsync() => Task.FromResult(new WatermarkSlotsView([.. _silos.Values], _waiting.Count, Math.Max(0, Free())));

    /// <summary>Free slots on the silos that poll, less the sessions already waiting for one.</summary>
    private int Free()
    {
        var now = time.GetUtcNow();
        return _silos.Values.Where(slots => now - slots.LastSeen < Stale && Alive(slots.Silo))
            .Sum(slots => Math.Max(0, slots.Capacity - slots.Running)) - _waiting.Count;
    }

    private bool Alive(string silo) => membership.CurrentSnapshot.GetSiloStatus(SiloAddress.FromParsableString(silo)) is not (SiloStatus.Dead or SiloStatus.ShuttingDown or SiloStatus.Stopping);

    private void Wake()
    {
        foreach (var taker in _takers.ToList())
        {
            taker.TrySetResult();
        }
    }

    private Task WatchMembershipAsync(CancellationToken cancellationToken)
    {
        foreach (var silo in _silos.Keys.Where(silo => !Alive(silo)).ToList())
        {
            _silos.Remove(silo);
            var lost = _running.Where(pair => pair.Value == silo).Select(pair => pair.Key).ToList();
            if (lost.Count > 0)
            {
                LogSiloGone(silo, lost.Count);
            }
            foreach (var key in lost)
            {
                _running.Remove(key);
                // One-way: the session offers itself again and a silo with a free slot takes it.
                GrainFactory.GetGrain<IWatermarkSessionGrain>(key).OnSiloDeadAsync(silo).Ignore();
            }
        }
        return Task.CompletedTask;
    }

    [LoggerMessage(LogLevel.Warning, "Silo {Silo} left with {Count} watermark sessions running; they start again elsewhere")]
    private partial void LogSiloGone(string silo, int count);
}
