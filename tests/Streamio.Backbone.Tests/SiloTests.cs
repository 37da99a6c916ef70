using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Streamio.Backbone.Sqlite;

namespace Streamio.Backbone.Tests;

public sealed class SiloTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("streamio-silo-").FullName;
    private readonly BackboneSignals _signals = new();
    private readonly SqliteBackbone _backbone;

    public SiloTests()
    {
        _backbone = new SqliteBackbone($"Data Source={Path.Combine(_directory, "silo.db")}", _signals, TimeProvider.System);
        _backbone.MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private Silo NewSilo(IWorkHandler handler, double graceSeconds = 5, int workers = 2) => new(
        _backbone, _signals, [handler],
        Options.Create(new SiloOptions { Workers = workers, ShutdownGraceSeconds = graceSeconds, RetryDelaySeconds = 0.05, PollSeconds = 0.2 }),
        TimeProvider.System, NullLogger<Silo>.Instance);

    private Task EnqueueAsync(string payload, int maxAttempts = 3)
    {
        var commit = new GrainCommit();
        commit.Enqueue.Add(new NewWork("test", payload, "g", MaxAttempts: maxAttempts));
        return _backbone.CommitAsync(commit, CancellationToken.None);
    }

    [Fact]
    public async Task Runs_every_item_once_and_removes_it()
    {
        var handler = new RecordingHandler();
        for (var i = 0; i < 10; i++)
        {
            await EnqueueAsync($"item-{i}");
        }
        var silo = NewSilo(handler);
        await silo.StartAsync(CancellationToken.None);
        await handler.WaitForRunsAsync(10);
        await silo.StopAsync(CancellationToken.None);

        Assert.Equal(10, handler.Runs.Distinct().Count());
        Assert.Empty(await _backbone.ListGroupAsync("g", CancellationToken.None));
        Assert.Empty(await _backbone.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Failing_work_is_retried_then_exhausted_with_the_last_error()
    {
        var handler = new RecordingHandler { FailWith = "boom" };
        await EnqueueAsync("doomed", maxAttempts: 3);
        var silo = NewSilo(handler);
        await silo.StartAsync(CancellationToken.None);
        var error = await handler.Exhausted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await silo.StopAsync(CancellationToken.None);

        Assert.Equal(3, handler.Runs.Count);
        Assert.Equal("boom (attempt 3)", error);
        Assert.Empty(await _backbone.ListGroupAsync("g", CancellationToken.None));
    }

    [Fact]
    public async Task On_shutdown_running_work_past_the_grace_period_is_handed_back_without_counting_an_attempt()
    {
        var handler = new RecordingHandler { BlockUntilCancelled = true };
        await EnqueueAsync("long");
        var silo = NewSilo(handler, graceSeconds: 0.2);
        await silo.StartAsync(CancellationToken.None);
        await handler.WaitForRunsAsync(1);
        await silo.StopAsync(CancellationToken.None);

        var item = Assert.Single(await _backbone.ListGroupAsync("g", CancellationToken.None));
        Assert.Null(item.LeaseOwner);
        Assert.Equal(0, item.Attempts);
    }

    [Fact]
    public async Task On_shutdown_running_work_within_the_grace_period_finishes()
    {
        var release = new TaskCompletionSource();
        var handler = new RecordingHandler { WaitFor = release.Task };
        await EnqueueAsync("short");
        var silo = NewSilo(handler, graceSeconds: 30);
        await silo.StartAsync(CancellationToken.None);
        await handler.WaitForRunsAsync(1);
        var stopping = silo.StopAsync(CancellationToken.None);
        release.SetResult();
        await stopping;

        Assert.Empty(await _backbone.ListGroupAsync("g", CancellationToken.None));
    }

    [Fact]
    public async Task A_silo_starting_on_a_single_node_backend_takes_back_the_work_of_a_previous_run()
    {
        await EnqueueAsync("orphan");
        await _backbone.JoinAsync(new SiloInfo("previous-run", "host", "silo", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, 1), CancellationToken.None);
        var orphaned = await _backbone.TryClaimAsync("previous-run", TimeSpan.FromHours(1), CancellationToken.None);
        Assert.NotNull(orphaned);

        var handler = new RecordingHandler();
        var silo = NewSilo(handler);
        await silo.StartAsync(CancellationToken.None);
        await handler.WaitForRunsAsync(1);
        await silo.StopAsync(CancellationToken.None);

        Assert.Equal(["orphan"], handler.Runs);
    }

    [Fact]
    public async Task Concurrent_grain_calls_from_two_runtimes_lose_no_update()
    {
        var first = new GrainRuntime(_backbone);
        var second = new GrainRuntime(_backbone);
        var id = new GrainId("counter", "c");
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() =>
            (i % 2 == 0 ? first : second).CallAsync<Counter, int>(id, call =>
            {
                call.State ??= new Counter();
                call.State.Value++;
                call.Save();
                return Task.FromResult(call.State.Value);
            }, CancellationToken.None))));

        var counter = await first.ReadAsync<Counter>(id, CancellationToken.None);
        Assert.Equal(40, counter!.Value);
    }

    public sealed class Counter
    {
        public int Value { get; set; }
    }

    private sealed class RecordingHandler : IWorkHandler
    {
        private readonly SemaphoreSlim _ran = new(0);

        public ConcurrentQueue<string> Runs { get; } = new();

        public string? FailWith { get; init; }

        public bool BlockUntilCancelled { get; init; }

        public Task? WaitFor { get; init; }

        public TaskCompletionSource<string> Exhausted { get; } = new();

        public string Kind => "test";

        public async Task HandleAsync(WorkLease lease, CancellationToken cancellationToken)
        {
            Runs.Enqueue(lease.PayloadJson);
            _ran.Release();
            if (BlockUntilCancelled)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            if (WaitFor is not null)
            {
                await WaitFor;
            }
            if (FailWith is not null)
            {
                throw new InvalidOperationException($"{FailWith} (attempt {lease.Attempt})");
            }
        }

        public Task OnExhaustedAsync(WorkLease lease, string error, CancellationToken cancellationToken)
        {
            Exhausted.TrySetResult(error);
            return Task.CompletedTask;
        }

        public async Task WaitForRunsAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                Assert.True(await _ran.WaitAsync(TimeSpan.FromSeconds(30)), $"only {i} of {count} work items ran");
            }
        }
    }
}
