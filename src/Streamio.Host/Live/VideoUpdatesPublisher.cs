using Microsoft.AspNetCore.SignalR;
using Streamio.Backbone;
using Streamio.Grains.Videos;
using Streamio.Host.Api;

namespace Streamio.Host.Live;

/// <summary>
/// Pushes video state to this node's SignalR watchers. Every push re-reads the video, and one loop does all pushes in
/// turn, so a watcher never sees an older state after a newer one. Wakes on the node's events (which come from every
/// node through the backbone), on new watchers, and once a second for the watched videos that are still in progress.
/// </summary>
public sealed partial class VideoUpdatesPublisher(
    EventHub events, VideoSubscriptions subscriptions, VideoCatalog catalog, IHubContext<VideoHub> hub, TimeProvider time, ILogger<VideoUpdatesPublisher> logger)
    : BackgroundService
{
    public static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(1);

    /// <summary>Watched videos known to be finished (ready or failed): the ticker skips them.</summary>
    private readonly HashSet<string> _finished = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = events.Subscribe();
        var nextTick = time.GetUtcNow() + TickInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await WaitForWorkAsync(subscription.Reader, nextTick - time.GetUtcNow(), stoppingToken);
                var due = new HashSet<string>(StringComparer.Ordinal);
                while (subscription.Reader.TryRead(out var grainEvent))
                {
                    if (grainEvent.Topic == VideoEvents.Topic)
                    {
                        due.Add(grainEvent.Key);
                    }
                }
                while (subscriptions.Joined.TryRead(out var videoId))
                {
                    due.Add(videoId);
                }
                if (time.GetUtcNow() >= nextTick)
                {
                    var watched = subscriptions.WatchedVideos();
                    _finished.IntersectWith(watched);
                    due.UnionWith(watched.Where(videoId => !_finished.Contains(videoId)));
                    nextTick = time.GetUtcNow() + TickInterval;
                }
                foreach (var videoId in due)
                {
                    await PushAsync(videoId, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                LogPushFailed(error);
                await Task.Delay(TickInterval, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task WaitForWorkAsync(System.Threading.Channels.ChannelReader<GrainEvent> reader, TimeSpan timeout, CancellationToken stoppingToken)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return;
        }
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        wake.CancelAfter(timeout);
        await Task.WhenAny(reader.WaitToReadAsync(wake.Token).AsTask(), subscriptions.Joined.WaitToReadAsync(wake.Token).AsTask(), Task.Delay(Timeout.Infinite, wake.Token));
        await wake.CancelAsync();
        stoppingToken.ThrowIfCancellationRequested();
    }

    private async Task PushAsync(string videoId, CancellationToken cancellationToken)
    {
        var watchers = subscriptions.Watchers(videoId);
        if (watchers.Count == 0)
        {
            return;
        }
        var snapshot = await catalog.GetAsync(videoId, cancellationToken);
        if (snapshot is null)
        {
            subscriptions.Forget(videoId);
            _finished.Remove(videoId);
            await hub.Clients.Clients(watchers).SendAsync(VideoHub.VideoDeleted, new VideoDeletedNotice(videoId), cancellationToken);
            return;
        }
        if (snapshot.Video.IsTerminal)
        {
            _finished.Add(videoId);
        }
        await hub.Clients.Clients(watchers).SendAsync(VideoHub.VideoUpdated, VideoResponse.From(snapshot), cancellationToken);
    }

    [LoggerMessage(LogLevel.Warning, "Pushing live video updates failed; retrying")]
    private partial void LogPushFailed(Exception error);
}
