namespace Streamio.Cluster.Schema.Sqlite;

/// <summary>
/// Streamio's SQLite schema, version by version, in step with <see cref="Postgres.PostgresMigrations"/> (migration N is
/// the same change on both). SQLite carries no clustering tables: a SQLite node is always a single localhost silo.
/// </summary>
internal static class SqliteMigrations
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "Orleans grain storage and reminders",
            SqliteOrleansTables.Script,
            SqliteStorageQueries.All.Concat(SqliteReminderQueries.All).ToDictionary()),
    ];
}
