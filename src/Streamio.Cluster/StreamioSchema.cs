using Streamio.Cluster.Schema.Postgres;
using Streamio.Cluster.Schema.Sqlite;

namespace Streamio.Cluster;

/// <summary>
/// The database schema Orleans' ADO.NET providers need (grain state, reminders, and on PostgreSQL cluster membership),
/// created and upgraded by Streamio's own versioned migration. Silos run it on start-up (see
/// <see cref="StreamioSiloBuilderExtensions.UseStreamioCluster"/>); tests and tools call <see cref="MigrateAsync"/>.
/// </summary>
public static class StreamioSchema
{
    /// <summary>The version a database has once migrated by this build (the same number on SQLite and PostgreSQL).</summary>
    public static int LatestVersion => Schema.Sqlite.SqliteMigrations.All[^1].Version;

    /// <summary>
    /// Brings the database to <see cref="LatestVersion"/>: safe when several nodes do it at once, a no-op when it is
    /// already there; fails if the database is newer than this build. Returns the version.
    /// </summary>
    public static Task<int> MigrateAsync(DatabaseKind kind, string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        Schema.SchemaMigrator migrator = kind switch
        {
            DatabaseKind.Sqlite => new SqliteSchemaMigrator(connectionString),
            DatabaseKind.Postgres => new PostgresSchemaMigrator(connectionString),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown database kind."),
        };
        return migrator.MigrateAsync(cancellationToken);
    }

    /// <summary>The ADO.NET invariant Orleans' providers take for each database. "System.Data.SQLite" is the name Orleans
    /// maps to Microsoft.Data.Sqlite; "Microsoft.Data.Sqlite" itself is not a key it knows.</summary>
    internal static string AdoNetInvariant(DatabaseKind kind) => kind switch
    {
        DatabaseKind.Sqlite => "System.Data.SQLite",
        DatabaseKind.Postgres => "Npgsql",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown database kind."),
    };
}
