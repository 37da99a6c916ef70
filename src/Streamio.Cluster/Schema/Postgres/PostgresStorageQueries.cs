namespace Streamio.Cluster.Schema.Postgres;

/// <summary>
/// Grain state queries. The provider passes @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
/// @GrainIdExtensionString, @ServiceId, and for changes @GrainStateVersion (the ETag it holds, NULL for a state it has
/// never seen stored) and @PayloadBinary. A change returns the new version as NewGrainStateVersion, and no row when the
/// stored version is not the one the grain holds: the provider turns that into an InconsistentStateException.
/// </summary>
internal static class PostgresStorageQueries
{
    private const string Grain = """
        GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
            AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
            AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
            AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
        """;

    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>
    {
        // A state never stored (version NULL) is inserted; if a row appeared meanwhile, the unique index turns the
        // insert into nothing. A known state is updated only from the version the grain read.
        ["WriteToStorageKey"] = $"""
            WITH updated AS (
                UPDATE OrleansStorage
                SET PayloadBinary = @PayloadBinary, ModifiedOn = now(), Version = Version + 1
                WHERE {Grain}
                    AND Version = @GrainStateVersion
                RETURNING Version
            ), inserted AS (
                INSERT INTO OrleansStorage
                    (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
                SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString, @ServiceId, @PayloadBinary, now(), 1
                WHERE @GrainStateVersion IS NULL
                ON CONFLICT DO NOTHING
                RETURNING Version
            )
            SELECT Version AS NewGrainStateVersion FROM updated
            UNION ALL
            SELECT Version FROM inserted
            """,

        ["ReadFromStorageKey"] = $"""
            SELECT PayloadBinary, Version
            FROM OrleansStorage
            WHERE {Grain}
            """,

        // Clearing keeps the row (payload NULL) so the version keeps counting up across clear and re-create.
        ["ClearStorageKey"] = $"""
            UPDATE OrleansStorage
            SET PayloadBinary = NULL, ModifiedOn = now(), Version = Version + 1
            WHERE {Grain}
                AND Version = @GrainStateVersion
            RETURNING Version AS NewGrainStateVersion
            """,

        // Used instead of ClearStorageKey when a provider sets DeleteStateOnClear.
        ["DeleteStorageKey"] = $"""
            DELETE FROM OrleansStorage
            WHERE {Grain}
                AND Version = @GrainStateVersion
            RETURNING Version + 1 AS NewGrainStateVersion
            """,
    };
}
