using Streamio.Abstractions.Live;

namespace Streamio.Grains.Live;

/// <summary>
/// Stream key → live stream (key: SHA-256 hex of the stream key). Claimed before the stream saves the key and released
/// after it forgot it: a stray claim points at a stream whose key no longer matches, which refuses the publisher.
/// </summary>
public sealed class LiveStreamKeyGrain([PersistentState("liveKey", GrainStorage.Name)] IPersistentState<LiveStreamKeyState> store) : Grain, ILiveStreamKeyGrain
{
    public async Task<bool> ClaimAsync(string liveStreamId)
    {
        if (store.State.LiveStreamId is { } owner)
        {
            return owner == liveStreamId;
        }
        store.State.LiveStreamId = liveStreamId;
        await store.WriteStateAsync();
        return true;
    }

    public Task<string?> GetLiveStreamIdAsync() => Task.FromResult(store.State.LiveStreamId);

    public async Task ReleaseAsync(string liveStreamId)
    {
        if (store.State.LiveStreamId == liveStreamId)
        {
            await store.ClearStateAsync();
            store.State = new LiveStreamKeyState();
        }
    }
}

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class LiveStreamKeyState
{
    public string? LiveStreamId { get; set; }
}
