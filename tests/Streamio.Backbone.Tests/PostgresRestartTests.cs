using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Streamio.Backbone.Postgres;
using Streamio.Testing;

namespace Streamio.Backbone.Tests;

/// <summary>
/// A PostgreSQL restart under a running backbone. It needs a server it may restart, so it starts a private one of its
/// own and never disturbs the server the other tests share.
/// </summary>
public sealed class PostgresRestartTests : IAsyncLifetime
{
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(1);
    private static CancellationToken None => CancellationToken.None;

    private PostgresServer? _server;

    private PostgresServer Server => _server ?? throw new InvalidOperationException("The server is not started.");

    public async Task InitializeAsync() => _server = await PostgresServer.StartPrivateAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task After_a_restart_the_same_backbone_works_again_and_the_listener_reconnects()
    {
        var database = await Server.CreateDatabaseAsync();
        var (signalsA, signalsB) = (new BackboneSignals(), new BackboneSignals());
        await using var nodeA = new PostgresBackbone(database, signalsA, TimeProvider.System);
        await using var nodeB = new PostgresBackbone(database, signalsB, TimeProvider.System);
        await nodeA.MigrateAsync(None);
        var listener = new PostgresNotificationListener(nodeB, signalsB, NullLogger<PostgresNotificationListener>.Instance);
        await listener.StartAsync(None);
        try
        {
            await listener.Listening.WaitAsync(Guard);
            var id = new GrainId("video", "v1");
            var create = new GrainCommit();
            create.Writes.Add(new GrainWrite(id, """{"n":1}""", 0));
            await nodeA.CommitAsync(create, None);
            // Leave several idle connections in node A's pool: the restart kills every one of them.
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => nodeA.ReadAsync(id, None)));

            await Server.RestartAsync();

            var read = await AfterRestartAsync(() => nodeA.ReadAsync(id, None));
            Assert.Equal("""{"n":1}""", read?.StateJson);
            var update = new GrainCommit();
            update.Writes.Add(new GrainWrite(id, """{"n":2}""", 1));
            await AfterRestartAsync(async () =>
            {
                await nodeA.CommitAsync(update, None);
                return true;
            });
            Assert.Equal(2, (await nodeA.ReadAsync(id, None))?.Version);

            // The listener noticed the lost connection and listens again: a commit on node A wakes node B.
            using (var guard = new CancellationTokenSource(Guard))
            {
                while (listener.Sessions < 2)
                {
                    await Task.Delay(50, guard.Token);
                }
            }
            var woke = signalsB.WaitForWorkAsync(Timeout.InfiniteTimeSpan, None);
            var enqueue = new GrainCommit();
            enqueue.Enqueue.Add(new NewWork("encode", "{}", "v1"));
            await nodeA.CommitAsync(enqueue, None);
            await woke.WaitAsync(Guard);
        }
        finally
        {
            await listener.StopAsync(None);
            await Server.DropDatabaseAsync(database);
        }
    }

    /// <summary>
    /// The backbone itself clears its pool and runs a failed call once more when that is safe, so the first call after
    /// a restart normally succeeds. A server that is up but still refusing connections for a moment may fail it anyway;
    /// callers (silos, the event dispatcher) retry on their own, and so does this test: a few times, briefly.
    /// </summary>
    private static async Task<T> AfterRestartAsync<T>(Func<Task<T>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (NpgsqlException) when (attempt < 5)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
        }
    }
}
