using Streamio.Cluster.Tests.Grains;
using Streamio.Cluster.Tests.Infrastructure;
using Streamio.Testing;

namespace Streamio.Cluster.Tests;

/// <summary>Reminders through real silos: they fire, outlive the silo that registered them, and can be removed.</summary>
public abstract class ReminderTests
{
    /// <summary>Only fails a test that would otherwise hang; ticks come every second.</summary>
    private static readonly TimeSpan TickTimeout = TimeSpan.FromSeconds(60);

    protected abstract Task<TestDatabase> FreshDatabaseAsync();

    [Fact]
    public async Task A_short_reminder_fires_survives_a_restart_and_can_be_unregistered()
    {
        var database = await FreshDatabaseAsync();
        var key = $"webhook-{Guid.NewGuid():N}";
        ReminderTicks.Reset(key);
        await using (var first = await TestSilo.StartAsync(NodeSettings.Localhost(database)))
        {
            // Shorter than Orleans' one-minute floor: allowed by Streamio:Cluster:MinimumReminderPeriodSeconds.
            await first.Grains.GetGrain<IReminderGrain>(key).Start(TimeSpan.FromSeconds(1));
            Assert.True(await ReminderTicks.For(key).WaitAsync(TickTimeout), "The reminder did not fire.");
        }
        Assert.Equal(1, await database.CountAsync("OrleansRemindersTable"));

        ReminderTicks.Reset(key);
        await using var second = await TestSilo.StartAsync(NodeSettings.Localhost(database));
        // No call to the grain: the new silo's reminder service finds the reminder in the table and wakes the grain.
        Assert.True(await ReminderTicks.For(key).WaitAsync(TickTimeout), "The reminder did not fire after the restart.");

        var grain = second.Grains.GetGrain<IReminderGrain>(key);
        Assert.True(await grain.IsRegistered());
        await grain.Stop();
        Assert.False(await grain.IsRegistered());
        Assert.Equal(0, await database.CountAsync("OrleansRemindersTable"));
    }
}

public sealed class SqliteReminderTests : ReminderTests, IDisposable
{
    private readonly TempDirectory _directory = new("cluster-reminders");

    protected override Task<TestDatabase> FreshDatabaseAsync() => Task.FromResult(TestDatabase.Sqlite(_directory));

    public void Dispose() => _directory.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresReminderTests(PostgresServer server) : ReminderTests
{
    protected override Task<TestDatabase> FreshDatabaseAsync() => TestDatabase.PostgresAsync(server);
}
