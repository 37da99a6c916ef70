using Dapper;
using Npgsql;

namespace Streamio.Backbone.Postgres;

public sealed partial class PostgresBackbone
{
    private const string GrainColumns = "type, key, version, state, created_at AS createdAt, updated_at AS updatedAt";

    public Task<GrainSnapshot?> ReadAsync(GrainId id, CancellationToken cancellationToken) => RunAsync(async (connection, _) =>
    {
        var row = await connection.QuerySingleOrDefaultAsync<GrainRow>(Command(
            $"SELECT {GrainColumns} FROM grains WHERE type = @Type AND key = @Key", null, cancellationToken, new { id.Type, id.Key }));
        return row?.ToSnapshot();
    }, cancellationToken);

    public Task<IReadOnlyList<GrainSnapshot>> ReadByPrefixAsync(string type, string keyPrefix, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<GrainSnapshot>>(async (connection, _) =>
        {
            // starts_with, not LIKE: a key may contain % or _.
            var rows = await connection.QueryAsync<GrainRow>(Command(
                $"SELECT {GrainColumns} FROM grains WHERE type = @type AND starts_with(key, @keyPrefix) ORDER BY key",
                null, cancellationToken, new { type, keyPrefix }));
            return rows.Select(row => row.ToSnapshot()).ToList();
        }, cancellationToken);

    public Task<IReadOnlyList<GrainSnapshot>> PageAsync(string type, string keyPrefix, GrainPageCursor? after, int limit, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<GrainSnapshot>>(async (connection, _) =>
        {
            var rows = await connection.QueryAsync<GrainRow>(Command(
                $"SELECT {GrainColumns} FROM grains WHERE type = @type AND starts_with(key, @keyPrefix) " +
                "AND (@afterCreated::bigint IS NULL OR (created_at, key) < (@afterCreated, @afterKey)) " +
                "ORDER BY created_at DESC, key DESC LIMIT @limit",
                null, cancellationToken, new { type, keyPrefix, afterCreated = after?.CreatedAtMs, afterKey = after?.Key, limit }));
            return rows.Select(row => row.ToSnapshot()).ToList();
        }, cancellationToken);

    public async Task CommitAsync(GrainCommit commit, CancellationToken cancellationToken)
    {
        if (commit.IsEmpty && commit.RequireLease is null)
        {
            return;
        }
        await RunAsync(async (connection, call) =>
        {
            var now = Now();
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            if (commit.RequireLease is { } lease)
            {
                // FOR UPDATE: a claimer (SKIP LOCKED) cannot take the item over while this commit runs under its lease.
                var held = await connection.ExecuteScalarAsync<long?>(Command(
                    "SELECT id FROM work WHERE id = @WorkId AND lease_token = @Token AND status = 'leased' FOR UPDATE",
                    transaction, cancellationToken, new { lease.WorkId, lease.Token }));
                if (held is null)
                {
                    throw new LeaseLostException(lease.WorkId);
                }
            }
            foreach (var write in commit.Writes)
            {
                await WriteGrainAsync(connection, transaction, write, now, cancellationToken);
            }
            foreach (var id in commit.Deletes)
            {
                await connection.ExecuteAsync(Command("DELETE FROM grains WHERE type = @Type AND key = @Key",
                    transaction, cancellationToken, new { id.Type, id.Key }));
            }
            if (commit.CancelWorkGroup is { } group)
            {
                await connection.ExecuteAsync(Command("DELETE FROM work WHERE group_key = @group", transaction, cancellationToken, new { group }));
            }
            if (commit.CompletesLease && commit.RequireLease is { } completed)
            {
                await connection.ExecuteAsync(Command("DELETE FROM work WHERE id = @WorkId", transaction, cancellationToken, new { completed.WorkId }));
            }
            foreach (var work in commit.Enqueue)
            {
                await connection.ExecuteAsync(Command(
                    "INSERT INTO work (kind, payload, group_key, priority, status, not_before, max_attempts) " +
                    "VALUES (@Kind, @PayloadJson, @GroupKey, @Priority, 'queued', @notBefore, @MaxAttempts)",
                    transaction, cancellationToken,
                    new { work.Kind, work.PayloadJson, work.GroupKey, work.Priority, notBefore = now + (long)(work.Delay ?? TimeSpan.Zero).TotalMilliseconds, work.MaxAttempts }));
            }
            if (commit.Enqueue.Count > 0)
            {
                // Delivered to every listening node when (and only if) this transaction commits.
                await connection.ExecuteAsync(Command($"NOTIFY {PostgresSchema.WorkChannel}", transaction, cancellationToken));
            }
            if (commit.Events.Count > 0)
            {
                await AppendEventsAsync(connection, transaction, commit.Events, now, cancellationToken);
            }
            await call.CommitAsync(transaction, cancellationToken);
            return 0;
        }, cancellationToken);
        // This node's waiters wake at once; the other nodes wake through their listeners.
        if (commit.Enqueue.Count > 0)
        {
            _signals.WorkEnqueued();
        }
        if (commit.Events.Count > 0)
        {
            _signals.EventsCommitted();
        }
    }

    private static async Task WriteGrainAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, GrainWrite write, long now, CancellationToken cancellationToken)
    {
        if (write.ExpectedVersion == 0)
        {
            // A concurrent create of the same key waits for the other transaction, then does nothing: a conflict.
            var inserted = await connection.ExecuteAsync(Command(
                "INSERT INTO grains (type, key, version, state, created_at, updated_at) VALUES (@Type, @Key, 1, @state, @now, @now) " +
                "ON CONFLICT (type, key) DO NOTHING",
                transaction, cancellationToken, new { write.Id.Type, write.Id.Key, state = write.StateJson, now }));
            if (inserted == 0)
            {
                throw new ConcurrencyConflictException(write.Id);
            }
            return;
        }
        // A concurrent update makes this one wait, then re-check the version on the new row: it no longer matches.
        var updated = await connection.ExecuteAsync(Command(
            "UPDATE grains SET state = @state, version = version + 1, updated_at = @now WHERE type = @Type AND key = @Key AND version = @ExpectedVersion",
            transaction, cancellationToken, new { write.Id.Type, write.Id.Key, state = write.StateJson, now, write.ExpectedVersion }));
        if (updated == 0)
        {
            throw new ConcurrencyConflictException(write.Id);
        }
    }

    private sealed record GrainRow(string Type, string Key, long Version, string State, long CreatedAt, long UpdatedAt)
    {
        public GrainSnapshot ToSnapshot() => new(new GrainId(Type, Key), State, Version,
            DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt), DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAt));
    }
}
