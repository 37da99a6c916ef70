using Streamio.Cluster.Tests.Infrastructure;
using Streamio.Testing;

namespace Streamio.Cluster.Tests;

public abstract class SchemaMigrationTests
{
    protected abstract Task<TestDatabase> FreshDatabaseAsync();

    protected abstract string[] ExpectedTables { get; }

    protected abstract string[] ExpectedQueryKeys { get; }

    [Fact]
    public async Task Creates_the_tables_and_the_queries_the_providers_read()
    {
        var database = await FreshDatabaseAsync();

        var version = await StreamioSchema.MigrateAsync(database.Kind, database.ConnectionString);

        Assert.Equal(StreamioSchema.LatestVersion, version);
        foreach (var table in ExpectedTables)
        {
            await database.CountAsync(table); // throws if the table is missing
        }
        var keys = (await database.RowsAsync("SELECT QueryKey FROM OrleansQuery")).Select(row => (string)row["querykey"]!).Order();
        Assert.Equal(ExpectedQueryKeys.Order(), keys);
        Assert.Equal(1, await database.CountAsync("streamio_schema", $"version = {StreamioSchema.LatestVersion}"));
    }

    [Fact]
    public async Task Running_it_again_changes_nothing()
    {
        var database = await FreshDatabaseAsync();
        await StreamioSchema.MigrateAsync(database.Kind, database.ConnectionString);
        var history = await database.RowsAsync("SELECT version, description, applied_at FROM streamio_schema");
        await database.ExecuteAsync("UPDATE OrleansQuery SET QueryText = 'edited by hand' WHERE QueryKey = 'ReadFromStorageKey'");

        var version = await StreamioSchema.MigrateAsync(database.Kind, database.ConnectionString);

        Assert.Equal(StreamioSchema.LatestVersion, version);
        Assert.Equivalent(history, await database.RowsAsync("SELECT version, description, applied_at FROM streamio_schema"), strict: true);
        Assert.Equal("edited by hand", await database.QueryTextAsync("ReadFromStorageKey"));
    }

    [Fact]
    public async Task Nodes_migrating_a_fresh_database_at_once_all_succeed_with_one_schema()
    {
        var database = await FreshDatabaseAsync();

        var versions = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            Task.Run(() => StreamioSchema.MigrateAsync(database.Kind, database.ConnectionString))));

        Assert.All(versions, version => Assert.Equal(StreamioSchema.LatestVersion, version));
        Assert.Equal(StreamioSchema.LatestVersion, await database.CountAsync("streamio_schema"));
        Assert.Equal(ExpectedQueryKeys.Length, await database.CountAsync("OrleansQuery"));
    }

    [Fact]
    public async Task A_database_newer_than_this_build_is_refused()
    {
        var database = await FreshDatabaseAsync();
        await StreamioSchema.MigrateAsync(database.Kind, database.ConnectionString);
        await database.ExecuteAsync("INSERT INTO streamio_schema (version, description) VALUES (999, 'from the future')");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StreamioSchema.MigrateAsync(database.Kind, database.ConnectionString));

        Assert.Contains("999", error.Message);
    }
}

public sealed class SqliteSchemaMigrationTests : SchemaMigrationTests, IDisposable
{
    private readonly TempDirectory _directory = new("cluster-schema");

    protected override string[] ExpectedTables => ["OrleansQuery", "OrleansStorage", "OrleansRemindersTable"];

    protected override string[] ExpectedQueryKeys => [.. OrleansContract.StorageKeys, .. OrleansContract.ReminderKeys];

    protected override Task<TestDatabase> FreshDatabaseAsync() => Task.FromResult(TestDatabase.Sqlite(_directory));

    [Fact]
    public async Task A_relative_path_into_a_missing_folder_works_as_the_default_does_on_a_fresh_checkout()
    {
        // Like the default "Data Source=data/streamio.db": relative to the working directory, folder not there yet.
        var file = _directory.Combine("data", "streamio.db");
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, file);

        await StreamioSchema.MigrateAsync(DatabaseKind.Sqlite, $"Data Source={relative}");

        Assert.True(File.Exists(file));
        Assert.Equal("Data Source=data/streamio.db", new StreamioDatabaseOptions().ConnectionString);
    }

    [Fact]
    public async Task The_file_is_switched_to_write_ahead_logging()
    {
        var database = await FreshDatabaseAsync();

        await StreamioSchema.MigrateAsync(database.Kind, database.ConnectionString);

        Assert.Equal("wal", await database.ScalarAsync("PRAGMA journal_mode"));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresSchemaMigrationTests(PostgresServer server) : SchemaMigrationTests
{
    protected override string[] ExpectedTables =>
        ["OrleansQuery", "OrleansStorage", "OrleansRemindersTable", "OrleansMembershipVersionTable", "OrleansMembershipTable"];

    protected override string[] ExpectedQueryKeys =>
        [.. OrleansContract.StorageKeys, .. OrleansContract.ReminderKeys, .. OrleansContract.ClusteringKeys];

    protected override Task<TestDatabase> FreshDatabaseAsync() => TestDatabase.PostgresAsync(server);
}
