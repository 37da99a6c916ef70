using Streamio.Abstractions.Live;
using Streamio.Abstractions.Videos;

namespace Streamio.Abstractions.Projects;

/// <summary>
/// The part of a project (key: project id) that videos and live streams talk to: the webhook outbox's hand-over. It returns once every
/// webhook of the project subscribed to the event's type holds a durable delivery of it; repeating it is a no-op.
/// </summary>
public interface IProjectEvents : IGrainWithStringKey
{
    Task PublishAsync(VideoEvent videoEvent);

    /// <summary>The same hand-over for a live stream's events (live.connected, live.ended, live.recording.ready).</summary>
    Task PublishLiveAsync(LiveStreamEvent liveEvent);
}
