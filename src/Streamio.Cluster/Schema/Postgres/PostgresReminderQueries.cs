namespace Streamio.Cluster.Schema.Postgres;

/// <summary>
/// Reminder queries. Parameters: @ServiceId, @GrainId, @ReminderName, @StartTime, @Period (ms), @GrainHash, @Version,
/// @BeginHash and @EndHash (hashes as signed integers). Rows are read as GrainId, ReminderName, StartTime, Period, Version.
/// </summary>
internal static class PostgresReminderQueries
{
    private const string Columns = "GrainId, ReminderName, StartTime, Period, Version";

    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>
    {
        // Returns the row's new version (its ETag).
        ["UpsertReminderRowKey"] = """
            INSERT INTO OrleansRemindersTable (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
            VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
            ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE
            SET StartTime = excluded.StartTime, Period = excluded.Period, GrainHash = excluded.GrainHash,
                Version = OrleansRemindersTable.Version + 1
            RETURNING Version
            """,

        ["ReadReminderRowsKey"] = $"""
            SELECT {Columns} FROM OrleansRemindersTable
            WHERE ServiceId = @ServiceId AND GrainId = @GrainId
            """,

        ["ReadReminderRowKey"] = $"""
            SELECT {Columns} FROM OrleansRemindersTable
            WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName
            """,

        // The ring range (BeginHash, EndHash] when it does not wrap past the largest signed value…
        ["ReadRangeRows1Key"] = $"""
            SELECT {Columns} FROM OrleansRemindersTable
            WHERE ServiceId = @ServiceId AND GrainHash > @BeginHash AND GrainHash <= @EndHash
            """,

        // …and when it does (including the whole ring, BeginHash = EndHash).
        ["ReadRangeRows2Key"] = $"""
            SELECT {Columns} FROM OrleansRemindersTable
            WHERE ServiceId = @ServiceId AND (GrainHash > @BeginHash OR GrainHash <= @EndHash)
            """,

        // One row, one boolean: whether the row with that version was there to delete.
        ["DeleteReminderRowKey"] = """
            WITH deleted AS (
                DELETE FROM OrleansRemindersTable
                WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName AND Version = @Version
                RETURNING 1
            )
            SELECT EXISTS (SELECT 1 FROM deleted)
            """,

        ["DeleteReminderRowsKey"] = """
            DELETE FROM OrleansRemindersTable WHERE ServiceId = @ServiceId
            """,
    };
}
