using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Streamio.Abstractions.Videos;
using Streamio.Abstractions.Work;
using Streamio.Grains.Videos;
using Streamio.Telemetry;

namespace Streamio.Grains.Work;

/// <summary>
/// A silo's workers: <see cref="SiloWorkOptions.Workers"/> loops that take the most urgent ticket from the scheduler, and
/// <see cref="SiloWorkOptions.FastLaneWorkers"/> more that take only work a video needs to become playable; each starts
/// the attempt on its video grain, run it here (FFmpeg runs outside any grain call) and report back. On shutdown they
/// stop taking work, give running work the grace period, then cancel it and hand it back without counting the attempt.
/// Registered after Orleans, so it stops before the silo does and can still make grain calls while draining.
/// </summary>
public sealed partial class EncodeWorkerPool(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    IEnumerable<IWorkRunner> runners,
    IOptions<SiloWorkOptions> options,
    ILogger<EncodeWorkerPool> logger) : BackgroundService
{
    /// <summary>
    /// How long one take waits for work. Short, because a wake-up can miss a waiting worker while the scheduler grain
    /// moves (its silo died, or two activations briefly coexist as membership changes): the next poll then finds the
    /// re-queued work. Measured: without this bound a SIGKILLed silo's chunk sometimes waited a whole 10 s poll.
    /// </summary>
    private static readonly TimeSpan PollWait = TimeSpan.FromSeconds(2);

    private readonly Dictionary<WorkKind, IWorkRunner> _runners = runners.ToDictionary(runner => runner.Kind);
    private readonly ConcurrentDictionary<(string VideoId, int ItemId), WorkAssignment> _running = new();
    private readonly CancellationTokenSource _hardStop = new();

    public int RunningCount => _running.Count;

    private string SiloAddress => silo.SiloAddress.ToParsableString();

    private IWorkSchedulerGrain Scheduler => grains.GetGrain<IWorkSchedulerGrain>(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var fastLane = options.Value.Workers > 0 ? Math.Max(0, options.Value.FastLaneWorkers) : 0;
        WorkReadings.RegisterPool(this, () => _running.Count, options.Value.Workers + fastLane);
        var workers = Task.WhenAll(Enumerable.Range(0, options.Value.Workers + fastLane)
            .Select(loop => loop < options.Value.Workers ? int.MinValue : WorkPriority.Audio)
            .Select(minimumPriority => Task.Run(() => WorkerLoopAsync(minimumPriority, stoppingToken), CancellationToken.None)));
        if (options.Value.Workers == 0)
        {
            LogControlSilo(SiloAddress);
        }
        else
        {
            LogStarted(SiloAddress, options.Value.Workers);
        }
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // Shutdown: the loops stop taking work; running work has its grace period.
        }
        var grace = Task.Delay(TimeSpan.FromSeconds(options.Value.ShutdownGraceSeconds), CancellationToken.None);
        if (await Task.WhenAny(workers, grace) != workers)
        {
            LogHandingBack(_running.Count);
            await _hardStop.CancelAsync();
        }
        await workers;
    }

    private async Task WorkerLoopAsync(int minimumPriority, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            WorkTicket? ticket;
            try
            {
                // Never abandoned on shutdown: the scheduler would hand the next ticket to a poll nobody reads any more,
                // and that item would wait for its video's next check. Waiting out the poll (PollWait at most) is cheap.
                ticket = await Scheduler.TakeAsync(SiloAddress, PollWait, minimumPriority, options.Value.Workers);
            }
            catch (Exception error)
            {
                // The scheduler is moving (its silo died) or the cluster is starting; try again shortly.
                LogTakeFailed(error);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                continue;
            }
            if (ticket is null)
            {
                continue;
            }
            if (stoppingToken.IsCancellationRequested)
            {
                // Taken as shutdown began: straight back to the queue, for another silo.
                await HandBackUntakenAsync(ticket);
                return;
            }
            await RunAsync(ticket);
        }
    }

    private async Task HandBackUntakenAsync(WorkTicket ticket)
    {
        LogWork(ticket.VideoId, ticket.ItemId, ticket.Kind, 0, "taken as the silo stopped: back to the queue");
        try
        {
            await Scheduler.EnqueueAsync([ticket]);
        }
        catch (Exception error)
        {
            // One try, not a shutdown held up for minutes: the video's check queues its pending items again anyway.
            LogReportFailed(error, ticket.VideoId, ticket.ItemId);
        }
    }

    private async Task RunAsync(WorkTicket ticket)
    {
        var video = grains.GetGrain<IVideoGrain>(ticket.VideoId);
        using var span = WorkSpan.Start(ticket);
        try
        {
            if (await video.StartWorkAsync(ticket.ItemId, SiloAddress) is not { } work)
            {
                span?.AddEvent(new System.Diagnostics.ActivityEvent("stale ticket"));
                LogWork(ticket.VideoId, ticket.ItemId, ticket.Kind, 0, "stale ticket, not run");
                return;
            }
            if (await RunAttemptAsync(video, work, span, "started") is { } followUp)
            {
                // The fast start the probe began early, which the video assigned to this silo: no ticket was queued for it.
                using var followUpSpan = WorkSpan.Start(ticket with { ItemId = followUp.ItemId, Kind = followUp.Kind });
                followUpSpan?.SetTag(StreamioTelemetry.Attributes.WorkStartedEarly, true);
                await RunAttemptAsync(video, followUp, followUpSpan, "started beside the probe");
            }
        }
        catch (Exception error)
        {
            WorkSpan.Fail(span, error);
            LogReportFailed(error, ticket.VideoId, ticket.ItemId);
        }
        finally
        {
            await Scheduler.DoneAsync(ticket.VideoId, ticket.ItemId).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Runs one attempt and reports its outcome; returns the work the runner took on meanwhile, if any.</summary>
    private async Task<WorkAssignment?> RunAttemptAsync(IVideoGrain video, WorkAssignment work, System.Diagnostics.Activity? span, string started)
    {
        WorkSpan.Describe(span, work);
        _running[(work.VideoId, work.ItemId)] = work;
        LogWork(work.VideoId, work.ItemId, work.Kind, work.Attempt, started);
        try
        {
            var followUp = await _runners[work.Kind].RunAsync(work, _hardStop.Token);
            LogWork(work.VideoId, work.ItemId, work.Kind, work.Attempt, "done");
            return followUp;
        }
        catch (OperationCanceledException) when (_hardStop.IsCancellationRequested)
        {
            span?.AddEvent(new System.Diagnostics.ActivityEvent("handed back"));
            LogWork(work.VideoId, work.ItemId, work.Kind, work.Attempt, "handed back");
            await Reports.RetryAsync(() => video.OnWorkReleasedAsync(work.ItemId, work.Attempt));
        }
        catch (VideoGoneException)
        {
            // Deleted meanwhile: there is no one left to report to.
            LogWork(work.VideoId, work.ItemId, work.Kind, work.Attempt, "video deleted");
        }
        catch (Exception error) when (work.ProgressiveSource is not null && Reports.IsGrowingSourceGone(error))
        {
            // Handed out just before the upload's last byte, FFmpeg connected after its growing copy was removed.
            WorkSpan.Fail(span, error);
            LogWork(work.VideoId, work.ItemId, work.Kind, work.Attempt, $"growing source gone: {error.Message}");
            await Reports.RetryAsync(() => video.OnGrowingSourceGoneAsync(work.ItemId, work.Attempt, error.Message));
        }
        catch (Exception error) when (Reports.IsUnreachableGrain(error))
        {
            // A grain this work called lives on a silo that stopped answering: not the work's fault.
            WorkSpan.Fail(span, error);
            LogWork(work.VideoId, work.ItemId, work.Kind, work.Attempt, $"interrupted: {error.Message}");
            await Reports.RetryAsync(() => video.OnWorkInterruptedAsync(work.ItemId, work.Attempt, error.Message));
        }
        catch (Exception error)
        {
            WorkSpan.Fail(span, error);
            LogWork(work.VideoId, work.ItemId, work.Kind, work.Attempt, $"failed: {error.Message}");
            await Reports.RetryAsync(() => video.OnWorkFailedAsync(work.ItemId, work.Attempt, error.Message));
        }
        finally
        {
            _running.TryRemove((work.VideoId, work.ItemId), out _);
        }
        return null;
    }

    public override void Dispose()
    {
        WorkReadings.UnregisterPool(this);
        _hardStop.Dispose();
        base.Dispose();
    }

    [LoggerMessage(LogLevel.Information, "Silo {Silo} runs work with {Workers} workers")]
    private partial void LogStarted(string silo, int workers);

    [LoggerMessage(LogLevel.Information, "Silo {Silo} runs no work (Streamio:Silo:Workers is 0): it hosts grains, and other silos take the work")]
    private partial void LogControlSilo(string silo);

    [LoggerMessage(LogLevel.Warning, "Grace period over: handing back {Count} running work items")]
    private partial void LogHandingBack(int count);

    /// <summary>Each item's course on this silo, for following one video's work across silos (attempt 0: not started here).</summary>
    [LoggerMessage(LogLevel.Debug, "Video {VideoId} item {ItemId} ({Kind}) attempt {Attempt}: {What}")]
    private partial void LogWork(string videoId, int itemId, WorkKind kind, int attempt, string what);

    [LoggerMessage(LogLevel.Warning, "Taking work from the scheduler failed")]
    private partial void LogTakeFailed(Exception error);

    [LoggerMessage(LogLevel.Error, "Work item {ItemId} of video {VideoId} could not be reported")]
    private partial void LogReportFailed(Exception error, string videoId, int itemId);
}
