using Streamio.Abstractions.Live;

namespace Streamio.Grains.Live;

/// <summary>A project's live streams, newest first (key: project id). A project has few streams, so one list suffices.</summary>
public sealed class ProjectLiveStreamsGrain([PersistentState("projectLive", GrainStorage.Name)] IPersistentState<ProjectLiveStreamsState> store)
    : Grain, IProjectLiveStreamsGrain
{
    public async Task AddAsync(string liveStreamId)
    {
        if (store.State.LiveStreamIds.Contains(liveStreamId))
        {
            return;
        }
        store.State.LiveStreamIds.Insert(0, liveStreamId);
        await store.WriteStateAsync();
    }

    public async Task RemoveAsync(string liveStreamId)
    {
        if (store.State.LiveStreamIds.Remove(liveStreamId))
        {
            await store.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. store.State.LiveStreamIds]);
}

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class ProjectLiveStreamsState
{
    public List<string> LiveStreamIds { get; set; } = [];
}
