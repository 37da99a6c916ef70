using Microsoft.AspNetCore.SignalR;

namespace Streamio.Host.Live;

/// <summary>
/// /hubs/videos: a client subscribes to videos and receives <c>videoUpdated</c> (the GET /v1/videos/{id} shape), first
/// with the current state, then on every change and every second while encoding; <c>videoDeleted</c> when one goes.
/// Live streams likewise: <c>SubscribeLive</c>, then <c>liveUpdated</c> and <c>liveDeleted</c>.
/// </summary>
public sealed class VideoHub(VideoAccess access, VideoSubscriptions subscriptions, LiveStreamAccess liveAccess, LiveSubscriptions liveSubscriptions) : Hub
{
    public const string Path = "/hubs/videos";
    public const string VideoUpdated = "videoUpdated";
    public const string VideoDeleted = "videoDeleted";
    public const string LiveUpdated = "liveUpdated";
    public const string LiveDeleted = "liveDeleted";

    public async Task Subscribe(string videoId)
    {
        if (string.IsNullOrWhiteSpace(videoId) || videoId.Length > 200)
        {
            throw new HubException("Subscribe needs a video id such as 'v_…' (the id returned by POST /v1/videos).");
        }
        if (await access.FindVisibleAsync(Context.User, videoId) is null)
        {
            throw new HubException($"There is no video '{videoId}': check the id (GET /v1/videos lists them).");
        }
        if (!subscriptions.Add(Context.ConnectionId, videoId))
        {
            throw new HubException($"A connection may watch at most {VideoSubscriptions.MaxPerConnection} videos: unsubscribe from some first.");
        }
    }

    public Task Unsubscribe(string videoId)
    {
        subscriptions.Remove(Context.ConnectionId, videoId ?? "");
        return Task.CompletedTask;
    }

    /// <summary>Watch a live stream: <c>liveUpdated</c> (the GET /v1/live-streams/{id} shape) now and on every change; <c>liveDeleted</c> when it goes.</summary>
    public async Task SubscribeLive(string liveStreamId)
    {
        if (string.IsNullOrWhiteSpace(liveStreamId) || liveStreamId.Length > 200)
        {
            throw new HubException("SubscribeLive needs a live stream id such as 'ls_…' (the id returned by POST /v1/live-streams).");
        }
        if (await liveAccess.FindVisibleAsync(Context.User, liveStreamId) is null)
        {
            throw new HubException($"There is no live stream '{liveStreamId}': check the id (GET /v1/live-streams lists them).");
        }
        var host = Context.GetHttpContext()?.Request.Host.Host ?? "localhost";
        if (!liveSubscriptions.Add(Context.ConnectionId, liveStreamId, host))
        {
            throw new HubException($"A connection may watch at most {VideoSubscriptions.MaxPerConnection} live streams: unsubscribe from some first.");
        }
    }

    public Task UnsubscribeLive(string liveStreamId)
    {
        liveSubscriptions.Remove(Context.ConnectionId, liveStreamId ?? "");
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        subscriptions.RemoveConnection(Context.ConnectionId);
        liveSubscriptions.Disconnected(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}

/// <summary>Sent once when a watched video is deleted; the subscription ends with it.</summary>
public sealed record VideoDeletedNotice(string Id);
