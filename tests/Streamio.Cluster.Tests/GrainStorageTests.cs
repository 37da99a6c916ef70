using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Providers;
using Orleans.Storage;
using Streamio.Cluster.Tests.Grains;
using Streamio.Cluster.Tests.Infrastructure;
using Streamio.Testing;

namespace Streamio.Cluster.Tests;

/// <summary>Grain state through real silos on a database the silos migrate themselves on start.</summary>
public abstract class GrainStorageTests
{
    protected abstract Task<TestDatabase> FreshDatabaseAsync();

    [Fact]
    public async Task State_written_by_one_silo_is_read_by_the_next_and_clearing_works()
    {
        var database = await FreshDatabaseAsync();
        await using (var first = await TestSilo.StartAsync(NodeSettings.Localhost(database)))
        {
            var grain = first.Grains.GetGrain<INamedStorageNoteGrain>("video-1");
            Assert.False(await grain.Exists());
            await grain.Write("uploaded");
            await grain.Write("probing");
        }

        await using var second = await TestSilo.StartAsync(NodeSettings.Localhost(database));
        var again = second.Grains.GetGrain<INamedStorageNoteGrain>("video-1");
        Assert.True(await again.Exists());
        Assert.Equal("probing", await again.Read());
        // Readable JSON in the table, not an opaque binary blob.
        var payload = (byte[]?)await database.ScalarAsync("SELECT PayloadBinary FROM OrleansStorage");
        Assert.Equal("""{"Text":"probing"}""", Encoding.UTF8.GetString(payload!));

        await again.Clear();
        Assert.False(await again.Exists());
        Assert.Null(await again.Read());
        Assert.Null(await database.ScalarAsync("SELECT PayloadBinary FROM OrleansStorage"));
        await again.Write("encoding");
        Assert.Equal(4, Convert.ToInt32(await database.ScalarAsync("SELECT Version FROM OrleansStorage")));
    }

    [Fact]
    public async Task A_write_from_a_stale_version_is_refused()
    {
        // Two single-silo clusters on one database: each activates the same grain, as a split cluster would.
        var database = await FreshDatabaseAsync();
        await using var left = await TestSilo.StartAsync(NodeSettings.Localhost(database));
        await using var right = await TestSilo.StartAsync(NodeSettings.Localhost(database));

        // Update: left wrote version 1, right read it and wrote version 2; left still holds version 1.
        await left.Grains.GetGrain<INamedStorageNoteGrain>("updated").Write("left 1");
        await right.Grains.GetGrain<INamedStorageNoteGrain>("updated").Write("right 2");
        await Assert.ThrowsAsync<InconsistentStateException>(() => left.Grains.GetGrain<INamedStorageNoteGrain>("updated").Write("left 2"));

        // Insert: both activated a state that did not exist; the second to write must lose.
        Assert.False(await left.Grains.GetGrain<INamedStorageNoteGrain>("created").Exists());
        Assert.False(await right.Grains.GetGrain<INamedStorageNoteGrain>("created").Exists());
        await right.Grains.GetGrain<INamedStorageNoteGrain>("created").Write("right first");
        await Assert.ThrowsAsync<InconsistentStateException>(() => left.Grains.GetGrain<INamedStorageNoteGrain>("created").Write("left second"));

        // Clear: from a version that is no longer the stored one.
        await left.Grains.GetGrain<INamedStorageNoteGrain>("cleared").Write("left 1");
        await right.Grains.GetGrain<INamedStorageNoteGrain>("cleared").Write("right 2");
        await Assert.ThrowsAsync<InconsistentStateException>(() => left.Grains.GetGrain<INamedStorageNoteGrain>("cleared").Clear());

        Assert.Equal(3, await database.CountAsync("OrleansStorage"));
        Assert.Equal("right 2", await right.Grains.GetGrain<INamedStorageNoteGrain>("updated").Read());
        Assert.Equal("right first", await right.Grains.GetGrain<INamedStorageNoteGrain>("created").Read());
    }

    [Fact]
    public async Task Grains_of_different_types_with_the_same_key_and_state_name_keep_their_own_state()
    {
        // Both note grains call their state "note"; Orleans' ADO.NET provider alone would give them one row.
        var database = await FreshDatabaseAsync();
        await using var silo = await TestSilo.StartAsync(NodeSettings.Localhost(database));

        await silo.Grains.GetGrain<INamedStorageNoteGrain>("same-id").Write("the named one");
        Assert.Null(await silo.Grains.GetGrain<IDefaultStorageNoteGrain>("same-id").Read());
        await silo.Grains.GetGrain<IDefaultStorageNoteGrain>("same-id").Write("the default one");

        Assert.Equal("the named one", await silo.Grains.GetGrain<INamedStorageNoteGrain>("same-id").Read());
        var stateNames = (await database.RowsAsync("SELECT GrainTypeString FROM OrleansStorage")).Select(row => (string)row["graintypestring"]!);
        Assert.Equal(["defaultstoragenote/note", "namedstoragenote/note"], stateNames.Order());
    }

    [Fact]
    public async Task Grains_that_name_no_storage_use_the_streamio_storage_and_a_deleting_provider_works_on_the_schema()
    {
        var database = await FreshDatabaseAsync();
        await using var silo = await TestSilo.StartAsync(NodeSettings.Localhost(database), silo =>
            silo.AddAdoNetGrainStorage(DeletingStorageNoteGrain.StorageName, options =>
            {
                options.Invariant = database.Kind == DatabaseKind.Sqlite ? "System.Data.SQLite" : "Npgsql";
                options.ConnectionString = database.ConnectionString;
                options.DeleteStateOnClear = true;
            }));

        var named = silo.Services.GetRequiredKeyedService<IGrainStorage>(StreamioCluster.StorageName);
        Assert.Same(named, silo.Services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME));
        Assert.Same(named, silo.Services.GetRequiredService<IGrainStorage>());
        await silo.Grains.GetGrain<IDefaultStorageNoteGrain>("default").Write("in the default storage");
        Assert.Equal(1, await database.CountAsync("OrleansStorage"));

        var deleting = silo.Grains.GetGrain<IDeletingStorageNoteGrain>("deleting");
        await deleting.Write("soon gone");
        Assert.Equal(2, await database.CountAsync("OrleansStorage"));
        await deleting.Clear();
        Assert.Equal(1, await database.CountAsync("OrleansStorage"));
        Assert.Null(await deleting.Read());
        await deleting.Write("back again");
        Assert.Equal("back again", await deleting.Read());
        Assert.Equal(2, await database.CountAsync("OrleansStorage"));
    }
}

public sealed class SqliteGrainStorageTests : GrainStorageTests, IDisposable
{
    private readonly TempDirectory _directory = new("cluster-storage");

    protected override Task<TestDatabase> FreshDatabaseAsync() => Task.FromResult(TestDatabase.Sqlite(_directory));

    [Fact]
    public async Task The_persistence_part_alone_serves_a_silo_clustered_by_other_means()
    {
        var database = await FreshDatabaseAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Streamio:Database:ConnectionString"] = database.ConnectionString,
        }).Build();
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(NodeSettings.NextPort(), NodeSettings.NextPort())
            .AddStreamioPersistence(configuration));
        using var host = builder.Build();
        await host.StartAsync();

        await host.Services.GetRequiredService<IGrainFactory>().GetGrain<INamedStorageNoteGrain>("alone").Write("stored");

        Assert.Equal("namedstoragenote/note", await database.ScalarAsync("SELECT GrainTypeString FROM OrleansStorage"));
        await host.StopAsync();
    }

    public void Dispose() => _directory.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresGrainStorageTests(PostgresServer server) : GrainStorageTests
{
    protected override Task<TestDatabase> FreshDatabaseAsync() => TestDatabase.PostgresAsync(server);
}
