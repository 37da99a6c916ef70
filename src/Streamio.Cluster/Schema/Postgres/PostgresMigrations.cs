namespace Streamio.Cluster.Schema.Postgres;

/// <summary>
/// Streamio's PostgreSQL schema, version by version. To change it, append a migration (never edit a released one):
/// <c>new Migration(2, "…", "ALTER TABLE …", new Dictionary&lt;string, string&gt; { ["SomeKey"] = "…" })</c>, and the
/// same version to <see cref="Sqlite.SqliteMigrations"/>.
/// </summary>
internal static class PostgresMigrations
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "Orleans grain storage, reminders and ADO.NET clustering",
            PostgresOrleansTables.Script,
            new Dictionary<string, string>()
                .With(PostgresStorageQueries.All)
                .With(PostgresReminderQueries.All)
                .With(PostgresClusteringQueries.All)),
    ];

    private static Dictionary<string, string> With(this Dictionary<string, string> queries, IReadOnlyDictionary<string, string> more)
    {
        foreach (var (key, text) in more)
        {
            queries.Add(key, text);
        }
        return queries;
    }
}
