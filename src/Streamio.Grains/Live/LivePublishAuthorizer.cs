using Streamio.Abstractions.Live;
using Streamio.Ingest;

namespace Streamio.Grains.Live;

/// <summary>
/// The ingest servers' gate: a stream key is good when its hash leads to a stream that still holds exactly that key
/// (a stray claim from a reset or delete leads nowhere). Nothing about a refusal reaches the publisher.
/// </summary>
public sealed class LivePublishAuthorizer(IGrainFactory grains) : IPublishAuthorizer
{
    public async ValueTask<PublishDecision> AuthorizeAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        if (!LiveStreamKeys.IsWellFormed(request.StreamKey))
        {
            return PublishDecision.Refuse("not a stream key");
        }
        var liveStreamId = await grains.GetGrain<ILiveStreamKeyGrain>(LiveStreamKeys.Hash(request.StreamKey)).GetLiveStreamIdAsync();
        if (liveStreamId is null)
        {
            return PublishDecision.Refuse("unknown stream key");
        }
        var stream = await grains.GetGrain<ILiveStreamGrain>(liveStreamId).GetAsync();
        return stream is not null && LiveStreamKeys.Matches(request.StreamKey, stream.StreamKey)
            ? PublishDecision.Accept(liveStreamId)
            : PublishDecision.Refuse("the stream key was reset or its stream deleted");
    }
}
