using System.Threading.Channels;
using Streamio.Abstractions.Live;

namespace Streamio.Host.Live;

/// <summary>This node's observer of the live streams its SignalR clients watch: stream grains call it on every change.</summary>
public sealed class LiveStreamChangeFeed : ILiveStreamObserver
{
    private readonly Channel<string> _changed = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<string> Changed => _changed.Reader;

    public Task OnLiveStreamChangedAsync(string liveStreamId)
    {
        _changed.Writer.TryWrite(liveStreamId);
        return Task.CompletedTask;
    }
}
