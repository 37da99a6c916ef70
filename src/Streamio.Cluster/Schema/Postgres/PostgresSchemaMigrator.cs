using System.Data.Common;
using Npgsql;

namespace Streamio.Cluster.Schema.Postgres;

/// <summary>
/// Migrates a PostgreSQL database. The migration transaction first takes a transaction-scoped advisory lock, so silos
/// starting together take turns; the lock goes with the commit (or with the connection, if a node dies mid-way).
/// </summary>
internal sealed class PostgresSchemaMigrator(string connectionString) : SchemaMigrator
{
    /// <summary>Any fixed number: it only has to be the same for every Streamio node ("STRMIO" in ASCII).</summary>
    private const long AdvisoryLockKey = 0x5354_524D_494F;

    public override IReadOnlyList<Migration> Migrations => PostgresMigrations.All;

    protected override string VersionTableDdl => """
        CREATE TABLE IF NOT EXISTS streamio_schema
        (
            version     integer     NOT NULL PRIMARY KEY,
            description text        NOT NULL,
            applied_at  timestamptz NOT NULL DEFAULT now()
        )
        """;

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    protected override async Task<DbTransaction> BeginLockedAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@key)", cancellationToken, ("key", AdvisoryLockKey));
        return transaction;
    }
}
