using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Streamio.Cluster.Schema.Sqlite;

/// <summary>
/// Migrates a SQLite file. <c>BEGIN IMMEDIATE</c> takes the database's write lock up front, so a second node starting
/// on the same file waits (busy timeout) instead of both reading "version 0" and both creating tables.
/// </summary>
internal sealed class SqliteSchemaMigrator(string connectionString) : SchemaMigrator
{
    private const int BusyTimeoutMilliseconds = 30_000;

    public override IReadOnlyList<Migration> Migrations => SqliteMigrations.All;

    protected override string VersionTableDdl => """
        CREATE TABLE IF NOT EXISTS streamio_schema
        (
            version     INTEGER NOT NULL PRIMARY KEY,
            description TEXT    NOT NULL,
            applied_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        )
        """;

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        CreateFolder(connectionString);
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, null, $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}", cancellationToken);
            // WAL lets grains read while another writes; the mode is stored in the file, so setting it once is enough.
            await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL", cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    // deferred: false is BEGIN IMMEDIATE (Microsoft.Data.Sqlite begins transactions synchronously).
    protected override Task<DbTransaction> BeginLockedAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    /// <summary>SQLite creates the file but not its folder: make <c>data/</c> exist so the default works on a fresh clone.</summary>
    public static void CreateFolder(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var dataSource = builder.DataSource;
        if (builder.Mode == SqliteOpenMode.Memory || string.IsNullOrWhiteSpace(dataSource) || dataSource == ":memory:" ||
            dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        var folder = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
    }
}
