using Dapper;
using Microsoft.Data.Sqlite;

namespace Streamio.Backbone.Sqlite;

/// <summary>
/// The embedded backend: grains, work, events and membership in one SQLite file (WAL mode). Writers take the database
/// lock up front (BEGIN IMMEDIATE), so a commit's version checks and writes are one atomic step.
/// </summary>
public sealed class SqliteBackbone(string connectionString, BackboneSignals signals, TimeProvider time) : IBackbone
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS grains (
            type TEXT NOT NULL, key TEXT NOT NULL, version INTEGER NOT NULL, state TEXT NOT NULL,
            created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (type, key));
        CREATE INDEX IF NOT EXISTS grains_newest ON grains (type, created_at DESC, key DESC);
        CREATE TABLE IF NOT EXISTS work (
            id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, payload TEXT NOT NULL, group_key TEXT NOT NULL,
            priority INTEGER NOT NULL, status TEXT NOT NULL, not_before INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0, max_attempts INTEGER NOT NULL, last_error TEXT,
            lease_owner TEXT, lease_token TEXT, lease_expires INTEGER);
        CREATE INDEX IF NOT EXISTS work_claim ON work (priority DESC, id);
        CREATE INDEX IF NOT EXISTS work_group ON work (group_key);
        CREATE TABLE IF NOT EXISTS events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, key TEXT NOT NULL, payload TEXT NOT NULL, at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS silos (
            id TEXT PRIMARY KEY, host TEXT NOT NULL, roles TEXT NOT NULL, started_at INTEGER NOT NULL,
            heartbeat_at INTEGER NOT NULL, running INTEGER NOT NULL);
        """;

    public bool IsSingleNode => true;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync("PRAGMA journal_mode=WAL;");
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(Schema, transaction: transaction);
        var version = await connection.ExecuteScalarAsync<long?>("SELECT MAX(version) FROM schema_version", transaction: transaction);
        if (version is null)
        {
            await connection.ExecuteAsync("INSERT INTO schema_version (version) VALUES (1)", transaction: transaction);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_version") > 0;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    // ---- grains ----

    public async Task<GrainSnapshot?> ReadAsync(GrainId id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<GrainRow>(
            "SELECT type, key, version, state, created_at AS createdAt, updated_at AS updatedAt FROM grains WHERE type = @Type AND key = @Key",
            new { id.Type, id.Key });
        return row?.ToSnapshot();
    }

    public async Task<IReadOnlyList<GrainSnapshot>> ReadByPrefixAsync(string type, string keyPrefix, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<GrainRow>(
            "SELECT type, key, version, state, created_at AS createdAt, updated_at AS updatedAt FROM grains " +
            "WHERE type = @type AND substr(key, 1, length(@keyPrefix)) = @keyPrefix ORDER BY key",
            new { type, keyPrefix });
        return rows.Select(row => row.ToSnapshot()).ToList();
    }

    public async Task<IReadOnlyList<GrainSnapshot>> PageAsync(string type, string keyPrefix, GrainPageCursor? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<GrainRow>(
            "SELECT type, key, version, state, created_at AS createdAt, updated_at AS updatedAt FROM grains WHERE type = @type " +
            "AND substr(key, 1, length(@keyPrefix)) = @keyPrefix " +
            "AND (@afterCreated IS NULL OR created_at < @afterCreated OR (created_at = @afterCreated AND key < @afterKey)) " +
            "ORDER BY created_at DESC, key DESC LIMIT @limit",
            new { type, keyPrefix, afterCreated = after?.CreatedAtMs, afterKey = after?.Key, limit });
        return rows.Select(row => row.ToSnapshot()).ToList();
    }

    public async Task CommitAsync(GrainCommit commit, CancellationToken cancellationToken)
    {
        if (commit.IsEmpty && commit.RequireLease is null)
        {
            return;
        }
        var now = Now();
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        if (commit.RequireLease is { } lease)
        {
            var held = await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM work WHERE id = @WorkId AND lease_token = @Token AND status = 'leased'",
                new { lease.WorkId, lease.Token }, transaction);
            if (held == 0)
            {
                throw new LeaseLostException(lease.WorkId);
            }
        }
        foreach (var write in commit.Writes)
        {
            await WriteGrainAsync(connection, transaction, write, now);
        }
        foreach (var id in commit.Deletes)
        {
            await connection.ExecuteAsync("DELETE FROM grains WHERE type = @Type AND key = @Key", new { id.Type, id.Key }, transaction);
        }
        if (commit.CancelWorkGroup is { } group)
        {
            await connection.ExecuteAsync("DELETE FROM work WHERE group_key = @group", new { group }, transaction);
        }
        if (commit.CompletesLease && commit.RequireLease is { } completed)
        {
            await connection.ExecuteAsync("DELETE FROM work WHERE id = @WorkId", new { completed.WorkId }, transaction);
        }
        foreach (var work in commit.Enqueue)
        {
            await connection.ExecuteAsync(
                "INSERT INTO work (kind, payload, group_key, priority, status, not_before, max_attempts) " +
                "VALUES (@Kind, @PayloadJson, @GroupKey, @Priority, 'queued', @notBefore, @MaxAttempts)",
                new { work.Kind, work.PayloadJson, work.GroupKey, work.Priority, notBefore = now + (long)(work.Delay ?? TimeSpan.Zero).TotalMilliseconds, work.MaxAttempts },
                transaction);
        }
        foreach (var grainEvent in commit.Events)
        {
            await connection.ExecuteAsync(
                "INSERT INTO events (topic, key, payload, at) VALUES (@Topic, @Key, @PayloadJson, @now)",
                new { grainEvent.Topic, grainEvent.Key, grainEvent.PayloadJson, now }, transaction);
        }
        await transaction.CommitAsync(cancellationToken);
        if (commit.Enqueue.Count > 0)
        {
            signals.WorkEnqueued();
        }
        if (commit.Events.Count > 0)
        {
            signals.EventsCommitted();
        }
    }

    private static async Task WriteGrainAsync(SqliteConnection connection, SqliteTransaction transaction, GrainWrite write, long now)
    {
        if (write.ExpectedVersion == 0)
        {
            var inserted = await connection.ExecuteAsync(
                "INSERT INTO grains (type, key, version, state, created_at, updated_at) VALUES (@Type, @Key, 1, @state, @now, @now) " +
                "ON CONFLICT (type, key) DO NOTHING",
                new { write.Id.Type, write.Id.Key, state = write.StateJson, now }, transaction);
            if (inserted == 0)
            {
                throw new ConcurrencyConflictException(write.Id);
            }
            return;
        }
        var updated = await connection.ExecuteAsync(
            "UPDATE grains SET state = @state, version = version + 1, updated_at = @now WHERE type = @Type AND key = @Key AND version = @ExpectedVersion",
            new { write.Id.Type, write.Id.Key, state = write.StateJson, now, write.ExpectedVersion }, transaction);
        if (updated == 0)
        {
            throw new ConcurrencyConflictException(write.Id);
        }
    }

    // ---- work ----

    public async Task<WorkLease?> TryClaimAsync(string owner, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        var now = Now();
        await using var connection = await OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<WorkRow>(
            """
            UPDATE work SET status = 'leased', lease_owner = @owner, lease_token = @token, lease_expires = @expires, attempts = attempts + 1
            WHERE id = (SELECT id FROM work
                        WHERE (status = 'queued' AND not_before <= @now) OR (status = 'leased' AND lease_expires < @now)
                        ORDER BY priority DESC, id LIMIT 1)
            RETURNING id, kind, payload, group_key AS groupKey, attempts, max_attempts AS maxAttempts, last_error AS lastError,
                      lease_owner AS leaseOwner, lease_token AS leaseToken, lease_expires AS leaseExpires
            """,
            new { owner, token = Guid.NewGuid().ToString("N"), expires = now + (long)leaseDuration.TotalMilliseconds, now });
        return row?.ToLease();
    }

    public async Task<bool> RenewAsync(WorkLease lease, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var updated = await connection.ExecuteAsync(
            "UPDATE work SET lease_expires = @expires WHERE id = @WorkId AND lease_token = @Token AND status = 'leased'",
            new { expires = Now() + (long)leaseDuration.TotalMilliseconds, lease.WorkId, lease.Token });
        return updated == 1;
    }

    public async Task ReleaseAsync(WorkLease lease, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            "UPDATE work SET status = 'queued', lease_owner = NULL, lease_token = NULL, lease_expires = NULL, attempts = MAX(attempts - 1, 0) " +
            "WHERE id = @WorkId AND lease_token = @Token",
            new { lease.WorkId, lease.Token });
        signals.WorkEnqueued();
    }

    public async Task FailAsync(WorkLease lease, string error, TimeSpan retryAfter, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            "UPDATE work SET status = 'queued', lease_owner = NULL, lease_token = NULL, lease_expires = NULL, last_error = @error, not_before = @notBefore " +
            "WHERE id = @WorkId AND lease_token = @Token",
            new { error, notBefore = Now() + (long)retryAfter.TotalMilliseconds, lease.WorkId, lease.Token });
        signals.WorkEnqueued();
    }

    public async Task CompleteAsync(WorkLease lease, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync("DELETE FROM work WHERE id = @WorkId AND lease_token = @Token", new { lease.WorkId, lease.Token });
    }

    public async Task<int> ReleaseLeasesOfAsync(string owner, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var released = await connection.ExecuteAsync(
            "UPDATE work SET status = 'queued', lease_owner = NULL, lease_token = NULL, lease_expires = NULL, " +
            "last_error = COALESCE(last_error, 'the silo running it was lost') WHERE lease_owner = @owner AND status = 'leased'",
            new { owner });
        if (released > 0)
        {
            signals.WorkEnqueued();
        }
        return released;
    }

    public async Task<IReadOnlyList<QueueDepth>> DepthAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Kind, long Queued, long Leased)>(
            "SELECT kind, SUM(CASE WHEN status = 'queued' THEN 1 ELSE 0 END), SUM(CASE WHEN status = 'leased' THEN 1 ELSE 0 END) " +
            "FROM work GROUP BY kind ORDER BY kind");
        return rows.Select(row => new QueueDepth(row.Kind, (int)row.Queued, (int)row.Leased)).ToList();
    }

    public async Task<IReadOnlyList<WorkItemInfo>> ListGroupAsync(string groupKey, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Id, string Kind, string GroupKey, long Attempts, long MaxAttempts, string? LeaseOwner, string? LastError)>(
            "SELECT id, kind, group_key, attempts, max_attempts, lease_owner, last_error FROM work WHERE group_key = @groupKey ORDER BY id",
            new { groupKey });
        return rows.Select(row => new WorkItemInfo(row.Id, row.Kind, row.GroupKey, (int)row.Attempts, (int)row.MaxAttempts, row.LeaseOwner, row.LastError)).ToList();
    }

    // ---- events ----

    public async Task<IReadOnlyList<GrainEvent>> ReadAfterAsync(long sequence, int max, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Seq, string Topic, string Key, string Payload, long At)>(
            "SELECT seq, topic, key, payload, at FROM events WHERE seq > @sequence ORDER BY seq LIMIT @max", new { sequence, max });
        return rows.Select(row => new GrainEvent(row.Seq, row.Topic, row.Key, row.Payload, DateTimeOffset.FromUnixTimeMilliseconds(row.At))).ToList();
    }

    public async Task<long> LatestSequenceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>("SELECT MAX(seq) FROM events") ?? 0;
    }

    public async Task<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteAsync("DELETE FROM events WHERE at < @cutoff", new { cutoff = olderThan.ToUnixTimeMilliseconds() });
    }

    // ---- membership ----

    public async Task JoinAsync(SiloInfo silo, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            "INSERT INTO silos (id, host, roles, started_at, heartbeat_at, running) VALUES (@Id, @Host, @Roles, @started, @heartbeat, 0) " +
            "ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at",
            new { silo.Id, silo.Host, silo.Roles, started = silo.StartedAt.ToUnixTimeMilliseconds(), heartbeat = Now() });
    }

    public async Task HeartbeatAsync(string siloId, int runningWork, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync("UPDATE silos SET heartbeat_at = @now, running = @runningWork WHERE id = @siloId", new { now = Now(), runningWork, siloId });
    }

    public async Task LeaveAsync(string siloId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync("DELETE FROM silos WHERE id = @siloId", new { siloId });
    }

    public async Task<IReadOnlyList<SiloInfo>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Id, string Host, string Roles, long StartedAt, long HeartbeatAt, long Running)>(
            "SELECT id, host, roles, started_at, heartbeat_at, running FROM silos ORDER BY started_at");
        return rows.Select(row => new SiloInfo(row.Id, row.Host, row.Roles, DateTimeOffset.FromUnixTimeMilliseconds(row.StartedAt),
            DateTimeOffset.FromUnixTimeMilliseconds(row.HeartbeatAt), (int)row.Running)).ToList();
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL;");
        return connection;
    }

    private sealed record GrainRow(string Type, string Key, long Version, string State, long CreatedAt, long UpdatedAt)
    {
        public GrainSnapshot ToSnapshot() => new(new GrainId(Type, Key), State, Version,
            DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt), DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAt));
    }

    private sealed record WorkRow(long Id, string Kind, string Payload, string GroupKey, long Attempts, long MaxAttempts,
        string? LastError, string LeaseOwner, string LeaseToken, long LeaseExpires)
    {
        public WorkLease ToLease() => new(Id, Kind, Payload, GroupKey, (int)Attempts, (int)MaxAttempts, LastError, LeaseOwner, LeaseToken,
            DateTimeOffset.FromUnixTimeMilliseconds(LeaseExpires));
    }
}
