using Microsoft.AspNetCore.SignalR;
using Streamio.Abstractions.Live;
using Streamio.Abstractions.Wire;
using Streamio.Host.LiveStreams;

namespace Streamio.Host.Live;

/// <summary>
/// Pushes live stream state to this node's SignalR watchers (<c>liveUpdated</c>, the GET /v1/live-streams/{id} shape):
/// when a watched stream's grain reports a change (status, latency, a new segment) and when a watcher joins. One loop
/// re-reads and pushes in turn, so a watcher never sees an older state after a newer one; the grain observer
/// subscriptions are renewed before the grains forget them.
/// </summary>
public sealed partial class LiveUpdatesPublisher(
    IGrainFactory grains, LiveSubscriptions subscriptions, LiveStreamCatalog catalog, LiveIngestAddresses addresses, IHubContext<VideoHub> hub,
    TimeProvider time, ILogger<LiveUpdatesPublisher> logger)
    : BackgroundService
{
    private static readonly TimeSpan RenewInterval = TimeSpan.FromSeconds(20);

    private readonly LiveStreamChangeFeed _feed = new();
    private readonly Dictionary<string, DateTimeOffset> _observed = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var observer = grains.CreateObjectReference<ILiveStreamObserver>(_feed);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Woken by a change or a new watcher; at least every few seconds to renew and drop observer subscriptions.
                using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                wake.CancelAfter(TimeSpan.FromSeconds(5));
                await Task.WhenAny(_feed.Changed.WaitToReadAsync(wake.Token).AsTask(), subscriptions.Joined.WaitToReadAsync(wake.Token).AsTask());
                stoppingToken.ThrowIfCancellationRequested();
                await wake.CancelAsync();
                var due = new HashSet<string>(StringComparer.Ordinal);
                while (_feed.Changed.TryRead(out var changed))
                {
                    due.Add(changed);
                }
                while (subscriptions.Joined.TryRead(out var joined))
                {
                    due.Add(joined);
                }
                await ObserveAsync(observer, subscriptions.WatchedVideos());
                foreach (var liveStreamId in due)
                {
                    await PushAsync(liveStreamId, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                LogPushFailed(error);
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task ObserveAsync(ILiveStreamObserver observer, IReadOnlyList<string> watched)
    {
        var now = time.GetUtcNow();
        foreach (var liveStreamId in watched.Where(id => !_observed.TryGetValue(id, out var at) || now - at >= RenewInterval))
        {
            await grains.GetGrain<ILiveStreamGrain>(liveStreamId).SubscribeAsync(observer);
            _observed[liveStreamId] = now;
        }
        foreach (var liveStreamId in _observed.Keys.Except(watched).ToList())
        {
            _observed.Remove(liveStreamId);
            await grains.GetGrain<ILiveStreamGrain>(liveStreamId).UnsubscribeAsync(observer);
        }
    }

    private async Task PushAsync(string liveStreamId, CancellationToken cancellationToken)
    {
        var watchers = subscriptions.Watchers(liveStreamId);
        if (watchers.Count == 0)
        {
            return;
        }
        if (await catalog.GetAsync(liveStreamId) is not { } stream)
        {
            subscriptions.Forget(liveStreamId);
            await hub.Clients.Clients(watchers).SendAsync(VideoHub.LiveDeleted, new LiveDeletedNotice(liveStreamId), cancellationToken);
            return;
        }
        // The publish URLs name the host each watcher reached this node by (unless a public host is configured).
        foreach (var byHost in watchers.GroupBy(subscriptions.HostOf, StringComparer.OrdinalIgnoreCase))
        {
            var response = LiveStreamResponse.From(stream, addresses.For(stream.StreamKey, byHost.Key));
            await hub.Clients.Clients(byHost.ToList()).SendAsync(VideoHub.LiveUpdated, response, cancellationToken);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Pushing live stream updates failed; retrying")]
    private partial void LogPushFailed(Exception error);
}

/// <summary>Sent once when a watched live stream is deleted; the subscription ends with it.</summary>
public sealed record LiveDeletedNotice(string Id);
