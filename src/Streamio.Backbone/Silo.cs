using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Streamio.Backbone;

/// <summary>
/// A worker host: joins the membership table, heartbeats, claims work with leases and renews them while it runs,
/// retries failures a bounded number of times, and on shutdown stops claiming, lets running work finish within
/// the grace period, then hands the rest back.
/// </summary>
public sealed partial class Silo(
    IBackbone backbone,
    BackboneSignals signals,
    IEnumerable<IWorkHandler> handlers,
    IOptions<SiloOptions> options,
    TimeProvider time,
    ILogger<Silo> logger) : BackgroundService
{
    private readonly SiloOptions _options = options.Value;
    private readonly Dictionary<string, IWorkHandler> _handlers = handlers.ToDictionary(handler => handler.Kind);
    private readonly ConcurrentDictionary<long, WorkLease> _running = new();
    private readonly CancellationTokenSource _hardStop = new();

    public string Id { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    public int RunningCount => _running.Count;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await backbone.JoinAsync(new SiloInfo(Id, Environment.MachineName, "silo", time.GetUtcNow(), time.GetUtcNow(), 0), stoppingToken);
        await ReapDeadSilosAsync(everyOther: backbone.IsSingleNode, stoppingToken);
        LogJoined(Id, _options.Workers);

        using var heartbeat = new CancellationTokenSource();
        var heartbeatLoop = HeartbeatLoopAsync(heartbeat.Token);
        var workers = Enumerable.Range(0, _options.Workers).Select(_ => WorkerLoopAsync(stoppingToken)).ToList();
        var allWorkers = Task.WhenAll(workers);

        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // Shutdown: stop claiming (the workers see stoppingToken) and give running work its grace period.
        }
        var finishedInTime = await Task.WhenAny(allWorkers, Task.Delay(TimeSpan.FromSeconds(_options.ShutdownGraceSeconds), CancellationToken.None)) == allWorkers;
        if (!finishedInTime)
        {
            LogHandingBack(_running.Count);
            await _hardStop.CancelAsync();
        }
        await allWorkers;
        await heartbeat.CancelAsync();
        await heartbeatLoop;
        await backbone.LeaveAsync(Id, CancellationToken.None);
        LogLeft(Id);
    }

    private async Task WorkerLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            WorkLease? lease;
            try
            {
                lease = await backbone.TryClaimAsync(Id, TimeSpan.FromSeconds(_options.LeaseSeconds), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                LogClaimFailed(error);
                await WaitQuietlyAsync(TimeSpan.FromSeconds(_options.PollSeconds), stoppingToken);
                continue;
            }
            if (lease is null)
            {
                await signals.WaitForWorkAsync(TimeSpan.FromSeconds(_options.PollSeconds), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                continue;
            }
            await RunAsync(lease);
        }
    }

    private async Task RunAsync(WorkLease lease)
    {
        _running[lease.WorkId] = lease;
        using var leaseLost = new CancellationTokenSource();
        using var workCancellation = CancellationTokenSource.CreateLinkedTokenSource(leaseLost.Token, _hardStop.Token);
        using var renewalStop = new CancellationTokenSource();
        var renewal = RenewLoopAsync(lease, leaseLost, renewalStop.Token);
        try
        {
            if (!_handlers.TryGetValue(lease.Kind, out var handler))
            {
                await backbone.FailAsync(lease, $"No handler for work kind '{lease.Kind}' on silo {Id}.", TimeSpan.FromSeconds(_options.RetryDelaySeconds), CancellationToken.None);
                return;
            }
            if (lease.IsExhausted)
            {
                await handler.OnExhaustedAsync(lease, lease.LastError ?? "the work was abandoned too many times", workCancellation.Token);
            }
            else
            {
                await handler.HandleAsync(lease, workCancellation.Token);
            }
            await backbone.CompleteAsync(lease, CancellationToken.None);
        }
        catch (Exception error) when (error is OperationCanceledException or LeaseLostException && leaseLost.IsCancellationRequested
                                      || error is LeaseLostException)
        {
            LogLeaseLost(lease.Kind, lease.WorkId);
        }
        catch (OperationCanceledException) when (_hardStop.IsCancellationRequested)
        {
            await backbone.ReleaseAsync(lease, CancellationToken.None);
        }
        catch (Exception error)
        {
            await FailAsync(lease, error);
        }
        finally
        {
            await renewalStop.CancelAsync();
            await renewal;
            _running.TryRemove(lease.WorkId, out _);
        }
    }

    private async Task FailAsync(WorkLease lease, Exception error)
    {
        var message = error.Message;
        LogWorkFailed(error, lease.Kind, lease.WorkId, lease.Attempt, lease.MaxAttempts);
        try
        {
            if (lease.Attempt >= lease.MaxAttempts && _handlers.TryGetValue(lease.Kind, out var handler))
            {
                await handler.OnExhaustedAsync(lease, message, CancellationToken.None);
                await backbone.CompleteAsync(lease, CancellationToken.None);
                return;
            }
            var delay = TimeSpan.FromSeconds(_options.RetryDelaySeconds * Math.Pow(2, Math.Max(0, lease.Attempt - 1)));
            await backbone.FailAsync(lease, message, delay, CancellationToken.None);
        }
        catch (Exception recordError)
        {
            // The lease will expire and the next claim retries or exhausts it.
            LogFailureNotRecorded(recordError, lease.WorkId);
        }
    }

    private async Task RenewLoopAsync(WorkLease lease, CancellationTokenSource leaseLost, CancellationToken stop)
    {
        var every = TimeSpan.FromSeconds(_options.LeaseSeconds / 3);
        while (!stop.IsCancellationRequested)
        {
            if (!await WaitQuietlyAsync(every, stop))
            {
                return;
            }
            try
            {
                if (!await backbone.RenewAsync(lease, TimeSpan.FromSeconds(_options.LeaseSeconds), stop))
                {
                    await leaseLost.CancelAsync();
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception error)
            {
                // The database is unreachable for now; keep working and try again (the lease may still be ours).
                LogRenewFailed(error, lease.WorkId);
            }
        }
    }

    private async Task HeartbeatLoopAsync(CancellationToken stop)
    {
        while (await WaitQuietlyAsync(TimeSpan.FromSeconds(_options.HeartbeatSeconds), stop))
        {
            try
            {
                await backbone.HeartbeatAsync(Id, _running.Count, stop);
                await ReapDeadSilosAsync(everyOther: false, stop);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                LogHeartbeatFailed(error);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Hands back the leases of silos that stopped heartbeating (or, on a single-node backend, of every earlier run).</summary>
    private async Task ReapDeadSilosAsync(bool everyOther, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() - TimeSpan.FromSeconds(_options.DeadAfterSeconds);
        foreach (var silo in await backbone.ListAsync(cancellationToken))
        {
            if (silo.Id != Id && (everyOther || silo.HeartbeatAt < deadline))
            {
                var released = await backbone.ReleaseLeasesOfAsync(silo.Id, cancellationToken);
                await backbone.LeaveAsync(silo.Id, cancellationToken);
                LogReaped(silo.Id, released);
            }
        }
    }

    private static async Task<bool> WaitQuietlyAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public override void Dispose()
    {
        _hardStop.Dispose();
        base.Dispose();
    }

    [LoggerMessage(LogLevel.Information, "Silo {SiloId} joined with {Workers} workers")]
    private partial void LogJoined(string siloId, int workers);

    [LoggerMessage(LogLevel.Information, "Silo {SiloId} left")]
    private partial void LogLeft(string siloId);

    [LoggerMessage(LogLevel.Warning, "Grace period over: handing back {Count} running work items")]
    private partial void LogHandingBack(int count);

    [LoggerMessage(LogLevel.Warning, "Claiming work failed")]
    private partial void LogClaimFailed(Exception error);

    [LoggerMessage(LogLevel.Warning, "Lease on {Kind} #{WorkId} was lost; another silo owns it now")]
    private partial void LogLeaseLost(string kind, long workId);

    [LoggerMessage(LogLevel.Warning, "{Kind} #{WorkId} failed (attempt {Attempt} of {MaxAttempts})")]
    private partial void LogWorkFailed(Exception error, string kind, long workId, int attempt, int maxAttempts);

    [LoggerMessage(LogLevel.Error, "Could not record the failure of work #{WorkId}")]
    private partial void LogFailureNotRecorded(Exception error, long workId);

    [LoggerMessage(LogLevel.Warning, "Renewing the lease on work #{WorkId} failed")]
    private partial void LogRenewFailed(Exception error, long workId);

    [LoggerMessage(LogLevel.Warning, "Heartbeat failed")]
    private partial void LogHeartbeatFailed(Exception error);

    [LoggerMessage(LogLevel.Information, "Silo {SiloId} is gone; handed back {Released} leases")]
    private partial void LogReaped(string siloId, int released);
}
