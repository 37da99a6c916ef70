namespace Streamio.Backbone;

/// <summary>Durable grain state. Every change goes through <see cref="CommitAsync"/>.</summary>
public interface IGrainStore
{
    Task<GrainSnapshot?> ReadAsync(GrainId id, CancellationToken cancellationToken);

    /// <summary>Grains of one type whose key starts with <paramref name="keyPrefix"/>, in key order.</summary>
    Task<IReadOnlyList<GrainSnapshot>> ReadByPrefixAsync(string type, string keyPrefix, CancellationToken cancellationToken);

    /// <summary>Grains of one type whose key starts with <paramref name="keyPrefix"/> ("" for all), newest first, after <paramref name="after"/>.</summary>
    Task<IReadOnlyList<GrainSnapshot>> PageAsync(string type, string keyPrefix, GrainPageCursor? after, int limit, CancellationToken cancellationToken);

    /// <exception cref="ConcurrencyConflictException">A write's expected version is stale.</exception>
    /// <exception cref="LeaseLostException">The required lease is no longer held.</exception>
    Task CommitAsync(GrainCommit commit, CancellationToken cancellationToken);
}

/// <summary>The work queue silos claim from, with leases that expire when a silo is lost.</summary>
public interface IWorkQueue
{
    /// <summary>Claims the most urgent claimable item (queued and due, or leased with an expired lease).</summary>
    Task<WorkLease?> TryClaimAsync(string owner, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>Extends a lease; false when it is no longer held.</summary>
    Task<bool> RenewAsync(WorkLease lease, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>Hands the item back unfinished, without counting the attempt (graceful shutdown).</summary>
    Task ReleaseAsync(WorkLease lease, CancellationToken cancellationToken);

    /// <summary>Records a failed attempt; the item becomes claimable again after <paramref name="retryAfter"/>.</summary>
    Task FailAsync(WorkLease lease, string error, TimeSpan retryAfter, CancellationToken cancellationToken);

    /// <summary>Removes a finished item (when no grain call completed it).</summary>
    Task CompleteAsync(WorkLease lease, CancellationToken cancellationToken);

    /// <summary>Hands back every lease held by <paramref name="owner"/>, counting the attempt (the owner was lost).</summary>
    Task<int> ReleaseLeasesOfAsync(string owner, CancellationToken cancellationToken);

    Task<IReadOnlyList<QueueDepth>> DepthAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<WorkItemInfo>> ListGroupAsync(string groupKey, CancellationToken cancellationToken);
}

/// <summary>The committed events, in commit order, for every node to read.</summary>
public interface IEventLog
{
    Task<IReadOnlyList<GrainEvent>> ReadAfterAsync(long sequence, int max, CancellationToken cancellationToken);

    Task<long> LatestSequenceAsync(CancellationToken cancellationToken);

    Task<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken);
}

/// <summary>Which silos are alive.</summary>
public interface IMembership
{
    Task JoinAsync(SiloInfo silo, CancellationToken cancellationToken);

    Task HeartbeatAsync(string siloId, int runningWork, CancellationToken cancellationToken);

    Task LeaveAsync(string siloId, CancellationToken cancellationToken);

    Task<IReadOnlyList<SiloInfo>> ListAsync(CancellationToken cancellationToken);
}

/// <summary>One backend (SQLite, PostgreSQL) provides all of the backbone.</summary>
public interface IBackbone : IGrainStore, IWorkQueue, IEventLog, IMembership
{
    /// <summary>Creates or upgrades the schema; safe to call from several nodes at once.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    Task<bool> IsReachableAsync(CancellationToken cancellationToken);

    /// <summary>True when only one process uses this backend (SQLite): every other silo is dead at start-up.</summary>
    bool IsSingleNode { get; }
}
