using Dapper;

namespace Streamio.Backbone.Postgres;

public sealed partial class PostgresBackbone
{
    private const string ClearLease = "status = 'queued', lease_owner = NULL, lease_token = NULL, lease_expires = NULL";

    public Task<WorkLease?> TryClaimAsync(string owner, TimeSpan leaseDuration, CancellationToken cancellationToken) => RunAsync(async (connection, call) =>
    {
        var now = Now();
        // A transaction, not a bare statement: if the connection breaks before COMMIT is sent, nothing was claimed and
        // the call may run again; a bare UPDATE could have claimed an item whose lease nobody would know about.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // SKIP LOCKED: concurrent claimers pass over the row another one is taking instead of queueing behind it; a row
        // taken meanwhile is re-checked against the WHERE clause (no longer claimable) and the next one is locked.
        var row = await connection.QuerySingleOrDefaultAsync<WorkRow>(Command(
            """
            UPDATE work SET status = 'leased', lease_owner = @owner, lease_token = @token, lease_expires = @expires, attempts = attempts + 1
            WHERE id = (SELECT id FROM work
                        WHERE (status = 'queued' AND not_before <= @now) OR (status = 'leased' AND lease_expires < @now)
                        ORDER BY priority DESC, id LIMIT 1
                        FOR UPDATE SKIP LOCKED)
            RETURNING id, kind, payload, group_key AS groupKey, attempts, max_attempts AS maxAttempts, last_error AS lastError,
                      lease_owner AS leaseOwner, lease_token AS leaseToken, lease_expires AS leaseExpires
            """,
            transaction, cancellationToken, new { owner, token = Guid.NewGuid().ToString("N"), expires = now + (long)leaseDuration.TotalMilliseconds, now }));
        await call.CommitAsync(transaction, cancellationToken);
        return row?.ToLease();
    }, cancellationToken);

    // The calls below are single statements guarded by the lease token or otherwise idempotent, so running one again
    // after a broken connection is harmless.

    public Task<bool> RenewAsync(WorkLease lease, TimeSpan leaseDuration, CancellationToken cancellationToken) => RunAsync(async (connection, _) =>
        await connection.ExecuteAsync(Command(
            "UPDATE work SET lease_expires = @expires WHERE id = @WorkId AND lease_token = @Token AND status = 'leased'",
            null, cancellationToken, new { expires = Now() + (long)leaseDuration.TotalMilliseconds, lease.WorkId, lease.Token })) == 1,
        cancellationToken);

    public async Task ReleaseAsync(WorkLease lease, CancellationToken cancellationToken)
    {
        await RunAsync((connection, _) => connection.ExecuteAsync(Command(
            $"UPDATE work SET {ClearLease}, attempts = GREATEST(attempts - 1, 0) WHERE id = @WorkId AND lease_token = @Token; " +
            $"NOTIFY {PostgresSchema.WorkChannel}",
            null, cancellationToken, new { lease.WorkId, lease.Token })), cancellationToken);
        _signals.WorkEnqueued();
    }

    public async Task FailAsync(WorkLease lease, string error, TimeSpan retryAfter, CancellationToken cancellationToken)
    {
        await RunAsync((connection, _) => connection.ExecuteAsync(Command(
            $"UPDATE work SET {ClearLease}, last_error = @error, not_before = @notBefore WHERE id = @WorkId AND lease_token = @Token; " +
            $"NOTIFY {PostgresSchema.WorkChannel}",
            null, cancellationToken, new { error, notBefore = Now() + (long)retryAfter.TotalMilliseconds, lease.WorkId, lease.Token })), cancellationToken);
        _signals.WorkEnqueued();
    }

    public Task CompleteAsync(WorkLease lease, CancellationToken cancellationToken) => RunAsync((connection, _) =>
        connection.ExecuteAsync(Command("DELETE FROM work WHERE id = @WorkId AND lease_token = @Token", null, cancellationToken, new { lease.WorkId, lease.Token })),
        cancellationToken);

    /// <remarks>Idempotent, so it is retried after a broken connection; the count then only covers the retry.</remarks>
    public async Task<int> ReleaseLeasesOfAsync(string owner, CancellationToken cancellationToken)
    {
        var released = await RunAsync((connection, _) => connection.ExecuteAsync(Command(
            $"UPDATE work SET {ClearLease}, last_error = COALESCE(last_error, 'the silo running it was lost') WHERE lease_owner = @owner AND status = 'leased'",
            null, cancellationToken, new { owner })), cancellationToken);
        if (released > 0)
        {
            await RunAsync((connection, _) => connection.ExecuteAsync(Command($"NOTIFY {PostgresSchema.WorkChannel}", null, cancellationToken)), cancellationToken);
            _signals.WorkEnqueued();
        }
        return released;
    }

    public Task<IReadOnlyList<QueueDepth>> DepthAsync(CancellationToken cancellationToken) => RunAsync<IReadOnlyList<QueueDepth>>(async (connection, _) =>
    {
        var rows = await connection.QueryAsync<DepthRow>(Command(
            "SELECT kind, COUNT(*) FILTER (WHERE status = 'queued')::integer AS queued, COUNT(*) FILTER (WHERE status = 'leased')::integer AS leased " +
            "FROM work GROUP BY kind ORDER BY kind",
            null, cancellationToken));
        return rows.Select(row => new QueueDepth(row.Kind, row.Queued, row.Leased)).ToList();
    }, cancellationToken);

    public Task<IReadOnlyList<WorkItemInfo>> ListGroupAsync(string groupKey, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<WorkItemInfo>>(async (connection, _) =>
        {
            var rows = await connection.QueryAsync<WorkItemRow>(Command(
                "SELECT id, kind, group_key AS groupKey, attempts, max_attempts AS maxAttempts, lease_owner AS leaseOwner, last_error AS lastError " +
                "FROM work WHERE group_key = @groupKey ORDER BY id",
                null, cancellationToken, new { groupKey }));
            return rows.Select(row => new WorkItemInfo(row.Id, row.Kind, row.GroupKey, row.Attempts, row.MaxAttempts, row.LeaseOwner, row.LastError)).ToList();
        }, cancellationToken);

    private sealed record WorkRow(long Id, string Kind, string Payload, string GroupKey, int Attempts, int MaxAttempts,
        string? LastError, string LeaseOwner, string LeaseToken, long LeaseExpires)
    {
        public WorkLease ToLease() => new(Id, Kind, Payload, GroupKey, Attempts, MaxAttempts, LastError, LeaseOwner, LeaseToken,
            DateTimeOffset.FromUnixTimeMilliseconds(LeaseExpires));
    }

    private sealed record DepthRow(string Kind, int Queued, int Leased);

    private sealed record WorkItemRow(long Id, string Kind, string GroupKey, int Attempts, int MaxAttempts, string? LeaseOwner, string? LastError);
}
