namespace Streamio.Cluster.Schema.Sqlite;

/// <summary>
/// Grain state queries, with the contract of <see cref="Postgres.PostgresStorageQueries"/>. SQLite has no writable CTEs,
/// so a write is two statements with RETURNING, of which at most one can match: the UPDATE needs a version, the
/// INSERT needs none. The provider reads both result sets and takes the single row (none means a version conflict).
/// </summary>
internal static class SqliteStorageQueries
{
    private const string Now = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

    private const string Grain = """
        GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
            AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
            AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
            AND GrainIdExtensionString IS @GrainIdExtensionString
        """;

    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>
    {
        ["WriteToStorageKey"] = $"""
            UPDATE OrleansStorage
            SET PayloadBinary = @PayloadBinary, ModifiedOn = {Now}, Version = Version + 1
            WHERE {Grain}
                AND Version = @GrainStateVersion
            RETURNING Version AS NewGrainStateVersion;

            INSERT INTO OrleansStorage
                (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
            SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString, @ServiceId, @PayloadBinary, {Now}, 1
            WHERE @GrainStateVersion IS NULL
            ON CONFLICT DO NOTHING
            RETURNING Version AS NewGrainStateVersion;
            """,

        ["ReadFromStorageKey"] = $"""
            SELECT PayloadBinary, Version
            FROM OrleansStorage
            WHERE {Grain}
            """,

        ["ClearStorageKey"] = $"""
            UPDATE OrleansStorage
            SET PayloadBinary = NULL, ModifiedOn = {Now}, Version = Version + 1
            WHERE {Grain}
                AND Version = @GrainStateVersion
            RETURNING Version AS NewGrainStateVersion
            """,

        ["DeleteStorageKey"] = $"""
            DELETE FROM OrleansStorage
            WHERE {Grain}
                AND Version = @GrainStateVersion
            RETURNING Version + 1 AS NewGrainStateVersion
            """,
    };
}
