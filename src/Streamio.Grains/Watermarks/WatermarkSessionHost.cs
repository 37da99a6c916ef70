using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Streamio.Abstractions.Watermarks;

namespace Streamio.Grains.Watermarks;

/// <summary>
/// A silo's watermark sessions: one loop polls the slot registry with this silo's capacity
/// (<see cref="WatermarkOptions.SessionsFor"/>) and running count, and runs each session it is given here, up to
/// that many at once. On shutdown the runs are stopped; the registry notices the silo leave and the sessions start again
/// on another silo.
/// </summary>
public sealed partial class WatermarkSessionHost(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    WatermarkRunner runner,
    IOptions<WatermarkOptions> options,
    IOptions<SiloWorkOptions> work,
    ILogger<WatermarkSessionHost> logger) : BackgroundService
{
    private static readonly TimeSpan PollWait = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, Task> _runs = new();
    private readonly CancellationTokenSource _stop = new();

    public int RunningCount => _runs.Count;

    private string SiloAddress => silo.SiloAddress.ToParsableString();

    private IWatermarkSlotsGrain Slots => grains.GetGrain<IWatermarkSlotsGrain>(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var capacity = Math.Max(0, options.Value.SessionsFor(work.Value));
        if (capacity > 0 && !File.Exists(options.Value.FontFile))
        {
            // Sessions taken here fail with the same words; said at start-up so an operator sees it before a viewer does.
            LogFontMissing(options.Value.FontFile);
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            string? key;
            try
            {
                key = await Slots.TakeAsync(SiloAddress, capacity, _runs.Count, PollWait).WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception error)
            {
                // The registry is moving (its silo died) or the cluster is starting.
                LogTakeFailed(error);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                continue;
            }
            if (key is not null)
            {
                // Counted before the next poll, so the registry never hands this silo more than its capacity.
                _runs[key] = Task.Run(() => RunAsync(key), CancellationToken.None);
            }
        }
        await _stop.CancelAsync();
        await Task.WhenAll(_runs.Values);
    }

    private async Task RunAsync(string key)
    {
        try
        {
            var session = grains.GetGrain<IWatermarkSessionGrain>(key);
            if (await session.BeginRunAsync(SiloAddress) is { } run)
            {
                await runner.RunAsync(session, run, _stop.Token);
            }
        }
        catch (Exception error) when (!(error is OperationCanceledException && _stop.IsCancellationRequested))
        {
            LogRunFailed(error, key);
        }
        catch (OperationCanceledException)
        {
            // Shutdown: the session starts again on another silo.
        }
        finally
        {
            _runs.TryRemove(key, out _);
            await Slots.DoneAsync(key).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    public override void Dispose()
    {
        _stop.Dispose();
        base.Dispose();
    }

    [LoggerMessage(LogLevel.Error, "The watermark font {FontFile} does not exist: watermarked streams will fail. Install fonts-dejavu-core (scripts/deps.sh does) or set Streamio:Watermark:FontFile")]
    private partial void LogFontMissing(string fontFile);

    [LoggerMessage(LogLevel.Warning, "Taking a watermark session from the slot registry failed")]
    private partial void LogTakeFailed(Exception error);

    [LoggerMessage(LogLevel.Error, "Watermark session {Session} could not be run")]
    private partial void LogRunFailed(Exception error, string session);
}
