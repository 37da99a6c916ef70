using Microsoft.AspNetCore.SignalR;
using Streamio.Abstractions.Videos;
using Streamio.Abstractions.Wire;
using Streamio.Host.Videos;

namespace Streamio.Host.Live;

/// <summary>
/// Pushes video state to this node's SignalR watchers. Every push re-reads the video, and one loop does all pushes in
/// turn, so a watcher never sees an older state after a newer one. Wakes when a watched video's grain reports a change
/// (an Orleans grain observer, from whichever silo the grain lives on), on new watchers, and once a second for the
/// watched videos that are still in progress.
/// </summary>
public sealed partial class VideoUpdatesPublisher(
    IGrainFactory grains, VideoSubscriptions subscriptions, VideoCatalog catalog, IHubContext<VideoHub> hub, TimeProvider time, ILogger<VideoUpdatesPublisher> logger)
    : BackgroundService
{
    public static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(1);

    /// <summary>Observer subscriptions lapse after a minute on the grain's side: they are renewed well before.</summary>
    private static readonly TimeSpan RenewInterval = TimeSpan.FromSeconds(20);

    private readonly VideoChangeFeed _feed = new();

    /// <summary>When each watched video's observer subscription was last made.</summary>
    private readonly Dictionary<string, DateTimeOffset> _observed = new(StringComparer.Ordinal);

    /// <summary>Watched videos known to be finished (ready or failed): the ticker skips them.</summary>
    private readonly HashSet<string> _finished = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var observer = grains.CreateObjectReference<IVideoObserver>(_feed);
        var nextTick = time.GetUtcNow() + TickInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await WaitForWorkAsync(_feed.Changed, nextTick - time.GetUtcNow(), stoppingToken);
                var due = new HashSet<string>(StringComparer.Ordinal);
                while (_feed.Changed.TryRead(out var videoId))
                {
                    due.Add(videoId);
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
                    await ObserveAsync(observer, watched);
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

    /// <summary>Keeps an observer subscription on every watched video's grain, and drops those no longer watched.</summary>
    private async Task ObserveAsync(IVideoObserver observer, IReadOnlyList<string> watched)
    {
        var now = time.GetUtcNow();
        foreach (var videoId in watched.Where(videoId => !_observed.TryGetValue(videoId, out var at) || now - at >= RenewInterval))
        {
            await grains.GetGrain<IVideoGrain>(videoId).SubscribeAsync(observer);
            _observed[videoId] = now;
        }
        foreach (var videoId in _observed.Keys.Except(watched).ToList())
        {
            _observed.Remove(videoId);
            await grains.GetGrain<IVideoGrain>(videoId).UnsubscribeAsync(observer);
        }
    }

    private async Task WaitForWorkAsync(System.Threading.Channels.ChannelReader<string> reader, TimeSpan timeout, CancellationToken stoppingToken)
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
        var snapshot = await catalog.GetAsync(videoId);
        if (snapshot is null)
        {
            subscriptions.Forget(videoId);
            _finished.Remove(videoId);
            await hub.Clients.Clients(watchers).SendAsync(VideoHub.VideoDeleted, new VideoDeletedNotice(videoId), cancellationToken);
            return;
        }
        if (snapshot.IsTerminal)
        {
            _finished.Add(videoId);
        }
        await hub.Clients.Clients(watchers).SendAsync(VideoHub.VideoUpdated, VideoResponse.From(snapshot), cancellationToken);
    }

    [LoggerMessage(LogLevel.Warning, "Pushing live video updates failed; retrying")]
    private partial void LogPushFailed(Exception error);
}
