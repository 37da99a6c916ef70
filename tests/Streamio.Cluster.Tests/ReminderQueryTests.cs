using System.Data;
using Streamio.Cluster.Tests.Infrastructure;
using Streamio.Testing;

namespace Streamio.Cluster.Tests;

/// <summary>
/// The stored reminder queries run directly, with parameters typed as the Orleans provider types them, for what a
/// one-silo test cannot reach: hash ranges that do and do not wrap, and version checks on delete.
/// </summary>
public abstract class ReminderQueryTests
{
    private const string Service = "streamio";

    protected abstract Task<TestDatabase> FreshDatabaseAsync();

    [Fact]
    public async Task Range_reads_cover_exactly_the_ring_segment_including_the_wrapping_one()
    {
        var database = await MigratedAsync();
        foreach (var (grain, hash) in new[] { ("low", int.MinValue + 5), ("minus", -100), ("zero", 0), ("plus", 100), ("high", int.MaxValue - 5) })
        {
            await UpsertAsync(database, grain, hash);
        }

        // (BeginHash, EndHash] in signed order, as Orleans picks Rows1 when begin < end…
        Assert.Equal(["plus", "zero"], await RangeAsync(database, "ReadRangeRows1Key", -100, 100));
        // …and Rows2 otherwise: from above begin round through the largest value to end.
        Assert.Equal(["high", "low", "minus"], await RangeAsync(database, "ReadRangeRows2Key", 100, -100));
        Assert.Equal(["high", "low", "minus", "plus", "zero"], await RangeAsync(database, "ReadRangeRows2Key", 7, 7));
    }

    [Fact]
    public async Task Upserts_count_versions_and_a_delete_needs_the_current_one()
    {
        var database = await MigratedAsync();
        Assert.Equal(0, await UpsertAsync(database, "grain", 42));
        Assert.Equal(1, await UpsertAsync(database, "grain", 42));

        Assert.False(await DeleteAsync(database, "grain", version: 0));
        Assert.Equal(1, await database.CountAsync("OrleansRemindersTable"));
        Assert.True(await DeleteAsync(database, "grain", version: 1));
        Assert.Equal(0, await database.CountAsync("OrleansRemindersTable"));
    }

    private async Task<TestDatabase> MigratedAsync()
    {
        var database = await FreshDatabaseAsync();
        await StreamioSchema.MigrateAsync(database.Kind, database.ConnectionString);
        return database;
    }

    private static async Task<int> UpsertAsync(TestDatabase database, string grain, int hash)
    {
        var rows = await database.RowsAsync(await database.QueryTextAsync("UpsertReminderRowKey"),
            ("ServiceId", Service, DbType.String),
            ("GrainHash", hash, DbType.Int32),
            ("GrainId", grain, DbType.AnsiString),
            ("ReminderName", "tick", DbType.String),
            ("StartTime", new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), DbType.DateTime),
            ("Period", 1000, DbType.Int32));
        return Convert.ToInt32(Assert.Single(rows)["version"]);
    }

    private static async Task<string[]> RangeAsync(TestDatabase database, string key, int begin, int end)
    {
        var rows = await database.RowsAsync(await database.QueryTextAsync(key),
            ("ServiceId", Service, DbType.String), ("BeginHash", begin, DbType.Int32), ("EndHash", end, DbType.Int32));
        return [.. rows.Select(row => (string)row["grainid"]!).Order()];
    }

    private static async Task<bool> DeleteAsync(TestDatabase database, string grain, int version)
    {
        var rows = await database.RowsAsync(await database.QueryTextAsync("DeleteReminderRowKey"),
            ("ServiceId", Service, DbType.String),
            ("GrainId", grain, DbType.AnsiString),
            ("ReminderName", "tick", DbType.String),
            ("Version", version, DbType.Int32));
        return Convert.ToBoolean(Assert.Single(Assert.Single(rows).Values));
    }
}

public sealed class SqliteReminderQueryTests : ReminderQueryTests, IDisposable
{
    private readonly TempDirectory _directory = new("cluster-reminder-queries");

    protected override Task<TestDatabase> FreshDatabaseAsync() => Task.FromResult(TestDatabase.Sqlite(_directory));

    public void Dispose() => _directory.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresReminderQueryTests(PostgresServer server) : ReminderQueryTests
{
    protected override Task<TestDatabase> FreshDatabaseAsync() => TestDatabase.PostgresAsync(server);
}
