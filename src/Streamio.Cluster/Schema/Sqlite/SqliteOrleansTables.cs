namespace Streamio.Cluster.Schema.Sqlite;

/// <summary>Migration 1's tables (see the PostgreSQL twin for what each column means to the providers).</summary>
internal static class SqliteOrleansTables
{
    public const string Script = """
        CREATE TABLE OrleansQuery
        (
            QueryKey  TEXT NOT NULL PRIMARY KEY,
            QueryText TEXT NOT NULL
        );

        CREATE TABLE OrleansStorage
        (
            GrainIdHash            INTEGER NOT NULL,
            GrainIdN0              INTEGER NOT NULL,
            GrainIdN1              INTEGER NOT NULL,
            GrainTypeHash          INTEGER NOT NULL,
            GrainTypeString        TEXT    NOT NULL,
            GrainIdExtensionString TEXT,
            ServiceId              TEXT    NOT NULL,
            PayloadBinary          BLOB,
            ModifiedOn             TEXT    NOT NULL,
            Version                INTEGER NOT NULL
        );

        -- One row per grain state (the first insert of a state does ON CONFLICT DO NOTHING against it); the hashes lead
        -- so lookups use it. The last two columns tell a NULL key extension apart from any string.
        CREATE UNIQUE INDEX OrleansStorage_Grain ON OrleansStorage
            (GrainIdHash, GrainTypeHash, GrainIdN0, GrainIdN1, ServiceId, GrainTypeString,
             IFNULL(GrainIdExtensionString, ''), GrainIdExtensionString IS NULL);

        -- StartTime holds Microsoft.Data.Sqlite's text form of the UTC start; Period is in milliseconds.
        CREATE TABLE OrleansRemindersTable
        (
            ServiceId    TEXT    NOT NULL,
            GrainId      TEXT    NOT NULL,
            ReminderName TEXT    NOT NULL,
            StartTime    TEXT    NOT NULL,
            Period       INTEGER NOT NULL,
            GrainHash    INTEGER NOT NULL,
            Version      INTEGER NOT NULL,
            PRIMARY KEY (ServiceId, GrainId, ReminderName)
        );

        CREATE INDEX OrleansRemindersTable_Range ON OrleansRemindersTable (ServiceId, GrainHash);
        """;
}
