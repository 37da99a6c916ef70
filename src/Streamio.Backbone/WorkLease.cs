namespace Streamio.Backbone;

/// <summary>A claimed work item. <see cref="Attempt"/> counts claims, including this one.</summary>
public sealed record WorkLease(
    long WorkId,
    string Kind,
    string PayloadJson,
    string GroupKey,
    int Attempt,
    int MaxAttempts,
    string? LastError,
    string Owner,
    string Token,
    DateTimeOffset ExpiresAt)
{
    /// <summary>Every allowed attempt has been used: the work must be failed, not run again.</summary>
    public bool IsExhausted => Attempt > MaxAttempts;
}

public sealed record GrainEvent(long Sequence, string Topic, string Key, string PayloadJson, DateTimeOffset At);

public sealed record SiloInfo(string Id, string Host, string Roles, DateTimeOffset StartedAt, DateTimeOffset HeartbeatAt, int RunningWork);

public sealed record QueueDepth(string Kind, int Queued, int Leased);

public sealed record WorkItemInfo(long Id, string Kind, string GroupKey, int Attempts, int MaxAttempts, string? LeaseOwner, string? LastError);
