using Microsoft.Extensions.Logging.Abstractions;
using Streamio.Backbone.Postgres;
using Streamio.Testing;

namespace Streamio.Backbone.Tests;

/// <summary>What only a shared database has to get right: several nodes migrating, committing and listening at once.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresClusterTests(PostgresServer server) : IAsyncLifetime
{
    // Only a guard against hanging when a wake-up never comes; no test measures how long anything takes.
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(1);
    private static CancellationToken None => CancellationToken.None;

    private readonly List<string> _databases = [];
    private readonly List<PostgresBackbone> _backbones = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var backbone in _backbones)
        {
            await backbone.DisposeAsync();
        }
        foreach (var database in _databases)
        {
            await server.DropDatabaseAsync(database);
        }
    }

    private async Task<string> NewDatabaseAsync()
    {
        var database = await server.CreateDatabaseAsync();
        _databases.Add(database);
        return database;
    }

    private PostgresBackbone Node(string database, BackboneSignals signals)
    {
        var backbone = new PostgresBackbone(database, signals, TimeProvider.System);
        _backbones.Add(backbone);
        return backbone;
    }

    [Fact]
    public async Task Nodes_starting_together_all_migrate_and_the_schema_is_the_latest()
    {
        for (var round = 0; round < 3; round++)
        {
            var database = await NewDatabaseAsync();
            var nodes = Enumerable.Range(0, 4).Select(_ => Node(database, new BackboneSignals())).ToList();

            await Task.WhenAll(nodes.Select(node => Task.Run(() => node.MigrateAsync(None))));

            foreach (var node in nodes)
            {
                Assert.Equal(PostgresBackbone.LatestSchemaVersion, await node.SchemaVersionAsync(None));
                Assert.True(await node.IsReachableAsync(None));
            }
            var commit = new GrainCommit();
            commit.Writes.Add(new GrainWrite(new GrainId("video", "v1"), "{}", 0));
            await nodes[0].CommitAsync(commit, None);
            Assert.NotNull(await nodes[3].ReadAsync(new GrainId("video", "v1"), None));
        }
    }

    [Fact]
    public async Task A_commit_on_one_node_wakes_the_waiters_of_another()
    {
        var database = await NewDatabaseAsync();
        var (signalsA, signalsB) = (new BackboneSignals(), new BackboneSignals());
        var nodeA = Node(database, signalsA);
        var nodeB = Node(database, signalsB);
        await nodeA.MigrateAsync(None);
        var listenerA = new PostgresNotificationListener(nodeA, signalsA, NullLogger<PostgresNotificationListener>.Instance);
        var listenerB = new PostgresNotificationListener(nodeB, signalsB, NullLogger<PostgresNotificationListener>.Instance);
        await listenerA.StartAsync(None);
        await listenerB.StartAsync(None);
        try
        {
            await Task.WhenAll(listenerA.Listening, listenerB.Listening).WaitAsync(Guard);
            // Created after LISTEN is in place (connecting signals too): only the commit's notifications can wake these.
            var work = signalsB.WaitForWorkAsync(Timeout.InfiniteTimeSpan, None);
            var events = signalsB.WaitForEventsAsync(Timeout.InfiniteTimeSpan, None);

            var commit = new GrainCommit();
            commit.Enqueue.Add(new NewWork("encode", "{}", "v1"));
            commit.Events.Add(new NewEvent("video", "v1", """{"status":"encoding"}"""));
            await nodeA.CommitAsync(commit, None);

            await work.WaitAsync(Guard);
            await events.WaitAsync(Guard);
            var seen = Assert.Single(await nodeB.ReadAfterAsync(0, 10, None));
            Assert.Equal("""{"status":"encoding"}""", seen.PayloadJson);
            Assert.Equal("encode", (await nodeB.TryClaimAsync("silo-b", TimeSpan.FromSeconds(30), None))?.Kind);

            // Handing work back is news for every node too.
            var handedBack = signalsA.WaitForWorkAsync(Timeout.InfiniteTimeSpan, None);
            await nodeB.ReleaseLeasesOfAsync("silo-b", None);
            await handedBack.WaitAsync(Guard);
        }
        finally
        {
            await listenerA.StopAsync(None);
            await listenerB.StopAsync(None);
        }
    }

    [Fact]
    public async Task A_reader_following_the_sequence_misses_no_event_committed_concurrently()
    {
        var database = await NewDatabaseAsync();
        var writer = Node(database, new BackboneSignals());
        var reader = Node(database, new BackboneSignals());
        await writer.MigrateAsync(None);
        const int writers = 4, commitsEach = 60, eventsEach = 3;
        var writing = new TaskCompletionSource();

        var reading = Task.Run(async () =>
        {
            var seen = new List<GrainEvent>();
            var cursor = 0L;
            while (true)
            {
                var finished = writing.Task.IsCompleted;
                var batch = await reader.ReadAfterAsync(cursor, 50, None);
                seen.AddRange(batch);
                cursor = batch.Count > 0 ? batch[^1].Sequence : cursor;
                if (finished && batch.Count == 0)
                {
                    return seen;
                }
            }
        });
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < commitsEach; i++)
            {
                var commit = new GrainCommit();
                commit.Writes.Add(new GrainWrite(new GrainId("video", $"{w}-{i}"), "{}", 0));
                for (var e = 0; e < eventsEach; e++)
                {
                    commit.Events.Add(new NewEvent("video", $"{w}-{i}", $"\"{w}-{i}-{e}\""));
                }
                await writer.CommitAsync(commit, None);
            }
        })));
        writing.SetResult();
        var seen = await reading;

        Assert.Equal(writers * commitsEach * eventsEach, seen.Select(e => e.PayloadJson).Distinct().Count());
        Assert.Equal(seen.Count, seen.Select(e => e.Sequence).Distinct().Count());
        // One commit's events are contiguous and in the order they were added.
        foreach (var commitEvents in seen.GroupBy(e => e.Key))
        {
            var sequences = commitEvents.Select(e => e.Sequence).ToList();
            Assert.Equal(Enumerable.Range(0, eventsEach).Select(e => sequences[0] + e), sequences);
        }
    }
}
