namespace Streamio.Backbone;

/// <summary>
/// Everything one grain call changes, committed in one transaction: state writes (each guarded by the version it
/// was read at), deletes, follow-up work, events, and the lease the call runs under. Either all of it happens or none.
/// </summary>
public sealed class GrainCommit
{
    public List<GrainWrite> Writes { get; } = [];

    public List<GrainId> Deletes { get; } = [];

    public List<NewWork> Enqueue { get; } = [];

    public List<NewEvent> Events { get; } = [];

    /// <summary>When set, the commit only happens while this lease is still held (a lost lease means another silo owns the work).</summary>
    public WorkLease? RequireLease { get; set; }

    /// <summary>When set, the leased work item is finished and removed by this commit.</summary>
    public bool CompletesLease { get; set; }

    /// <summary>When set, every work item of this group (e.g. a deleted video) is removed.</summary>
    public string? CancelWorkGroup { get; set; }

    public bool IsEmpty => Writes.Count == 0 && Deletes.Count == 0 && Enqueue.Count == 0 && Events.Count == 0
        && !CompletesLease && CancelWorkGroup is null;
}

/// <param name="ExpectedVersion">The version the state was read at; 0 creates the grain.</param>
public sealed record GrainWrite(GrainId Id, string StateJson, long ExpectedVersion);

/// <summary>A work item to enqueue. Higher <paramref name="Priority"/> is claimed first; equal priorities run in order.</summary>
public sealed record NewWork(string Kind, string PayloadJson, string GroupKey, int Priority = 0, int MaxAttempts = 3, TimeSpan? Delay = null);

public sealed record NewEvent(string Topic, string Key, string PayloadJson);

/// <summary>The grain was changed by someone else since it was read; reload and retry.</summary>
public sealed class ConcurrencyConflictException(GrainId id) : Exception($"Grain {id} was changed concurrently.")
{
    public GrainId Id { get; } = id;
}

/// <summary>The lease a commit required is no longer held (it expired and was claimed again, or the work was cancelled).</summary>
public sealed class LeaseLostException(long workId) : Exception($"The lease on work item {workId} is no longer held.")
{
    public long WorkId { get; } = workId;
}
