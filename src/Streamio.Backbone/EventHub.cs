using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Streamio.Backbone;

/// <summary>Fans committed events out to this node's subscribers (SignalR, webhooks, tests). Slow readers drop the oldest.</summary>
public sealed class EventHub
{
    private readonly ConcurrentDictionary<Guid, Channel<GrainEvent>> _subscribers = new();

    public EventSubscription Subscribe(int capacity = 10_000)
    {
        var id = Guid.NewGuid();
        var channel = Channel.CreateBounded<GrainEvent>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest });
        _subscribers[id] = channel;
        return new EventSubscription(channel.Reader, () =>
        {
            if (_subscribers.TryRemove(id, out var removed))
            {
                removed.Writer.TryComplete();
            }
        });
    }

    public void Publish(GrainEvent grainEvent)
    {
        foreach (var channel in _subscribers.Values)
        {
            channel.Writer.TryWrite(grainEvent);
        }
    }
}

public sealed class EventSubscription(ChannelReader<GrainEvent> reader, Action unsubscribe) : IDisposable
{
    public ChannelReader<GrainEvent> Reader { get; } = reader;

    public void Dispose() => unsubscribe();
}
