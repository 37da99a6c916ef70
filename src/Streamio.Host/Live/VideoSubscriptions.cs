using System.Threading.Channels;

namespace Streamio.Host.Live;

/// <summary>Which connections of this node watch which videos, and which videos just gained a watcher (owed their current state).</summary>
public class VideoSubscriptions
{
    /// <summary>Bounds what one connection can make this node poll every second.</summary>
    public const int MaxPerConnection = 100;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, HashSet<string>> _connectionsByVideo = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _videosByConnection = new(StringComparer.Ordinal);
    private readonly Channel<string> _joined = Channel.CreateUnbounded<string>();

    public ChannelReader<string> Joined => _joined.Reader;

    /// <summary>Returns false when the connection already watches <see cref="MaxPerConnection"/> videos.</summary>
    public bool Add(string connectionId, string videoId)
    {
        lock (_gate)
        {
            var videos = Get(_videosByConnection, connectionId);
            if (!videos.Contains(videoId) && videos.Count >= MaxPerConnection)
            {
                return false;
            }
            videos.Add(videoId);
            Get(_connectionsByVideo, videoId).Add(connectionId);
        }
        _joined.Writer.TryWrite(videoId);
        return true;
    }

    public void Remove(string connectionId, string videoId)
    {
        lock (_gate)
        {
            Detach(_videosByConnection, connectionId, videoId);
            Detach(_connectionsByVideo, videoId, connectionId);
        }
    }

    public void RemoveConnection(string connectionId)
    {
        lock (_gate)
        {
            if (_videosByConnection.Remove(connectionId, out var videos))
            {
                foreach (var videoId in videos)
                {
                    Detach(_connectionsByVideo, videoId, connectionId);
                }
            }
        }
    }

    /// <summary>Drops every watcher of a video that no longer exists.</summary>
    public void Forget(string videoId)
    {
        lock (_gate)
        {
            if (_connectionsByVideo.Remove(videoId, out var connections))
            {
                foreach (var connectionId in connections)
                {
                    Detach(_videosByConnection, connectionId, videoId);
                }
            }
        }
    }

    public IReadOnlyList<string> Watchers(string videoId)
    {
        lock (_gate)
        {
            return _connectionsByVideo.TryGetValue(videoId, out var connections) ? [.. connections] : [];
        }
    }

    public IReadOnlyList<string> WatchedVideos()
    {
        lock (_gate)
        {
            return [.. _connectionsByVideo.Keys];
        }
    }

    private static HashSet<string> Get(Dictionary<string, HashSet<string>> map, string key)
    {
        if (!map.TryGetValue(key, out var set))
        {
            map[key] = set = new HashSet<string>(StringComparer.Ordinal);
        }
        return set;
    }

    private static void Detach(Dictionary<string, HashSet<string>> map, string key, string value)
    {
        if (map.TryGetValue(key, out var set) && set.Remove(value) && set.Count == 0)
        {
            map.Remove(key);
        }
    }
}

/// <summary>
/// The same book for live streams (<c>SubscribeLive</c>), plus the host each connection reached this node by: a stream's
/// publish URLs name it when no public host is configured, as in the HTTP answers.
/// </summary>
public sealed class LiveSubscriptions : VideoSubscriptions
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _hosts = new(StringComparer.Ordinal);

    public bool Add(string connectionId, string liveStreamId, string host)
    {
        _hosts[connectionId] = host;
        return Add(connectionId, liveStreamId);
    }

    public string HostOf(string connectionId) => _hosts.GetValueOrDefault(connectionId, "localhost");

    public void Disconnected(string connectionId)
    {
        RemoveConnection(connectionId);
        _hosts.TryRemove(connectionId, out _);
    }
}
