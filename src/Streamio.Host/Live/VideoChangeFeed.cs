using System.Threading.Channels;
using Streamio.Abstractions.Videos;

namespace Streamio.Host.Live;

/// <summary>
/// This node's observer of the videos its SignalR clients watch: video grains, wherever they run, call it on every
/// change, and it queues the video id for the publisher. One object reference serves every watched video.
/// </summary>
public sealed class VideoChangeFeed : IVideoObserver
{
    private readonly Channel<string> _changed = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<string> Changed => _changed.Reader;

    public Task OnVideoChangedAsync(string videoId, VideoChange change)
    {
        _changed.Writer.TryWrite(videoId);
        return Task.CompletedTask;
    }
}
