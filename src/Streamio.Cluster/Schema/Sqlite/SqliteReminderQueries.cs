namespace Streamio.Cluster.Schema.Sqlite;

/// <summary>Reminder queries, with the contract of <see cref="Postgres.PostgresReminderQueries"/>.</summary>
internal static class SqliteReminderQueries
{
    private const string Columns = "GrainId, ReminderName, StartTime, Period, Version";

    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>
    {
        ["UpsertReminderRowKey"] = """
            INSERT INTO OrleansRemindersTable (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
            VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
            ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE
            SET StartTime = excluded.StartTime, Period = excluded.Period, GrainHash = excluded.GrainHash, Version = Version + 1
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

        ["ReadRangeRows1Key"] = $"""
            SELECT {Columns} FROM OrleansRemindersTable
            WHERE ServiceId = @ServiceId AND GrainHash > @BeginHash AND GrainHash <= @EndHash
            """,

        ["ReadRangeRows2Key"] = $"""
            SELECT {Columns} FROM OrleansRemindersTable
            WHERE ServiceId = @ServiceId AND (GrainHash > @BeginHash OR GrainHash <= @EndHash)
            """,

        // changes() counts the rows the DELETE just before it removed, on this same connection.
        ["DeleteReminderRowKey"] = """
            DELETE FROM OrleansRemindersTable
            WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName AND Version = @Version;
            SELECT changes() > 0;
            """,

        ["DeleteReminderRowsKey"] = """
            DELETE FROM OrleansRemindersTable WHERE ServiceId = @ServiceId
            """,
    };
}
