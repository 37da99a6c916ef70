using Dapper;
using Npgsql;

namespace Streamio.Backbone.Postgres;

/// <summary>
/// The cluster backend: grains, work, events and membership in PostgreSQL, shared by every node. Same semantics as the
/// SQLite backend (the contract suite runs on both); what differs is how nodes coordinate: row locks and
/// <c>FOR UPDATE SKIP LOCKED</c> instead of one database lock, and LISTEN/NOTIFY (see
/// <see cref="PostgresNotificationListener"/>) to wake the other nodes.
/// </summary>
/// <remarks>
/// Every call takes a pooled connection and returns it, so nothing holds a connection across a PostgreSQL restart.
/// After a restart the pool still holds dead idle connections: a call that fails on one clears the pool and, when it is
/// safe to run again (a read, an idempotent write, or a transaction whose COMMIT was never sent), runs once more on a
/// fresh connection. A failure while COMMIT was in flight is rethrown: the commit may have happened.
/// </remarks>
public sealed partial class PostgresBackbone : IBackbone, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly BackboneSignals _signals;
    private readonly TimeProvider _time;

    public PostgresBackbone(NpgsqlDataSource dataSource, BackboneSignals signals, TimeProvider time)
        : this(dataSource, ownsDataSource: false, signals, time)
    {
    }

    public PostgresBackbone(string connectionString, BackboneSignals signals, TimeProvider time)
        : this(NpgsqlDataSource.Create(connectionString), ownsDataSource: true, signals, time)
    {
    }

    private PostgresBackbone(NpgsqlDataSource dataSource, bool ownsDataSource, BackboneSignals signals, TimeProvider time)
    {
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _signals = signals;
        _time = time;
    }

    public bool IsSingleNode => false;

    /// <summary>The schema version <see cref="MigrateAsync"/> brings a database to.</summary>
    public static int LatestSchemaVersion => PostgresSchema.LatestVersion;

    /// <summary>The pool every call uses; the notification listener opens its long-lived connection from it too.</summary>
    internal NpgsqlDataSource DataSource => _dataSource;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await RunAsync(async (connection, call) =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            // Nodes starting together queue here; the first applies the steps, the others then find nothing to do.
            // The lock is per database and released by the commit (or by the server if this node dies).
            await connection.ExecuteAsync(Command($"SELECT pg_advisory_xact_lock({PostgresSchema.MigrationLock})", transaction, cancellationToken));
            await connection.ExecuteAsync(Command(
                "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, applied_at bigint NOT NULL)", transaction, cancellationToken));
            var current = await connection.ExecuteScalarAsync<int>(Command("SELECT COALESCE(MAX(version), 0) FROM schema_version", transaction, cancellationToken));
            // A schema newer than this code (a newer node migrated first) is left alone: steps only ever add.
            for (var version = current + 1; version <= PostgresSchema.LatestVersion; version++)
            {
                await connection.ExecuteAsync(Command(PostgresSchema.Migrations[version - 1], transaction, cancellationToken));
                await connection.ExecuteAsync(Command("INSERT INTO schema_version (version, applied_at) VALUES (@version, @now)",
                    transaction, cancellationToken, new { version, now = Now() }));
            }
            await call.CommitAsync(transaction, cancellationToken);
            return 0;
        }, cancellationToken);
    }

    /// <summary>The schema version applied to the database (0 before the first migration).</summary>
    public Task<int> SchemaVersionAsync(CancellationToken cancellationToken) => RunAsync((connection, _) =>
        connection.ExecuteScalarAsync<int>(Command(
            "SELECT CASE WHEN to_regclass('schema_version') IS NULL THEN 0 ELSE (SELECT COALESCE(MAX(version), 0) FROM schema_version) END",
            null, cancellationToken)), cancellationToken);

    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await SchemaVersionAsync(cancellationToken) > 0;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync() => _ownsDataSource ? _dataSource.DisposeAsync() : ValueTask.CompletedTask;

    public void Dispose()
    {
        if (_ownsDataSource)
        {
            _dataSource.Dispose();
        }
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static CommandDefinition Command(string sql, NpgsqlTransaction? transaction, CancellationToken cancellationToken, object? parameters = null) =>
        new(sql, parameters, transaction, cancellationToken: cancellationToken);

    /// <summary>
    /// Runs one call on a pooled connection. On a connection failure the pool is cleared (its other idle connections
    /// died with the same server) and the call runs once more, unless it may already have committed.
    /// </summary>
    private async Task<T> RunAsync<T>(Func<NpgsqlConnection, Call, Task<T>> operation, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var call = new Call();
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
                return await operation(connection, call);
            }
            catch (Exception error) when (IsConnectionFailure(error))
            {
                _dataSource.Clear();
                if (attempt > 1 || call.CommitSent)
                {
                    throw;
                }
            }
        }
    }

    /// <summary>The server went away or the connection broke (as opposed to an error in the statement itself).</summary>
    private static bool IsConnectionFailure(Exception error) => error switch
    {
        // 08: connection exceptions; 57P01-03: the server is shutting down, crashed, or is still starting.
        PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal) || postgres.SqlState is "57P01" or "57P02" or "57P03",
        // Npgsql wraps socket and stream failures (and timeouts) in a plain NpgsqlException.
        NpgsqlException => true,
        _ => false,
    };

    /// <summary>What one attempt of a call did: once COMMIT is on the wire the outcome is unknown if the connection breaks.</summary>
    private sealed class Call
    {
        public bool CommitSent { get; private set; }

        public Task CommitAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken)
        {
            CommitSent = true;
            return transaction.CommitAsync(cancellationToken);
        }
    }
}
