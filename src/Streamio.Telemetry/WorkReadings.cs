using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Streamio.Telemetry;

/// <summary>
/// What this process's work gauges read. The work scheduler grain publishes its queue counts here while it is active
/// on this silo (and withdraws them when it deactivates), so only the silo hosting it reports work waiting and in
/// flight; each worker pool registers how many of its workers are busy. Keyed by owner, because tests host several
/// silos in one process.
/// </summary>
public static class WorkReadings
{
    private static readonly ConcurrentDictionary<object, QueueCounts> Queues = new(ReferenceEqualityComparer.Instance);
    private static readonly ConcurrentDictionary<object, Pool> Pools = new(ReferenceEqualityComparer.Instance);

    /// <summary>A scheduler's counts per work kind; every kind it knows is listed, zeros included, so the series never vanish.</summary>
    public sealed record QueueCounts(IReadOnlyDictionary<string, int> Waiting, IReadOnlyDictionary<string, int> InFlight);

    public static void PublishQueue(object scheduler, QueueCounts counts) => Queues[scheduler] = counts;

    public static void WithdrawQueue(object scheduler) => Queues.TryRemove(scheduler, out _);

    public static void RegisterPool(object pool, Func<int> busy, int workers) => Pools[pool] = new Pool(busy, workers);

    public static void UnregisterPool(object pool) => Pools.TryRemove(pool, out _);

    internal static IEnumerable<Measurement<int>> Waiting() => PerKind(counts => counts.Waiting);

    internal static IEnumerable<Measurement<int>> InFlight() => PerKind(counts => counts.InFlight);

    internal static IEnumerable<Measurement<int>> BusyWorkers() =>
        Pools.IsEmpty ? [] : [new Measurement<int>(Pools.Values.Sum(pool => pool.Busy()))];

    internal static IEnumerable<Measurement<int>> Workers() =>
        Pools.IsEmpty ? [] : [new Measurement<int>(Pools.Values.Sum(pool => pool.Workers))];

    private static IEnumerable<Measurement<int>> PerKind(Func<QueueCounts, IReadOnlyDictionary<string, int>> select) =>
        Queues.Values.SelectMany(counts => select(counts))
            .GroupBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(group => new Measurement<int>(group.Sum(pair => pair.Value), new KeyValuePair<string, object?>("kind", group.Key)))
            .ToList();

    private sealed record Pool(Func<int> Busy, int Workers);
}
