using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Streamio.Backbone;

/// <summary>Reads the event log from where this node started and hands each event to the node's <see cref="EventHub"/>.</summary>
public sealed partial class EventDispatcher(IEventLog log, BackboneSignals signals, EventHub hub, TimeProvider time, ILogger<EventDispatcher> logger)
    : BackgroundService
{
    private static readonly TimeSpan Retention = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var cursor = await log.LatestSequenceAsync(stoppingToken);
        var nextPrune = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var batch = await log.ReadAfterAsync(cursor, 500, stoppingToken);
                foreach (var grainEvent in batch)
                {
                    hub.Publish(grainEvent);
                    cursor = grainEvent.Sequence;
                }
                if (time.GetUtcNow() >= nextPrune)
                {
                    await log.PruneAsync(time.GetUtcNow() - Retention, stoppingToken);
                    nextPrune = time.GetUtcNow() + TimeSpan.FromMinutes(5);
                }
                if (batch.Count < 500)
                {
                    await signals.WaitForEventsAsync(TimeSpan.FromSeconds(1), stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                LogReadFailed(error);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Reading the event log failed; retrying")]
    private partial void LogReadFailed(Exception error);
}
