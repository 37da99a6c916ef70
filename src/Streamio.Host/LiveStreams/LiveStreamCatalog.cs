using Streamio.Abstractions.Live;

namespace Streamio.Host.LiveStreams;

/// <summary>The API's read side of live streams: one as its grain tells it, or a project's, newest first.</summary>
public sealed class LiveStreamCatalog(IGrainFactory grains)
{
    private const string IdPrefix = "ls_";

    public Task<LiveStreamView?> GetAsync(string liveStreamId) => grains.GetGrain<ILiveStreamGrain>(liveStreamId).GetAsync();

    /// <summary>The stream if it belongs to <paramref name="projectId"/>; another project's stream is indistinguishable from none.</summary>
    public async Task<LiveStreamView?> GetInProjectAsync(string projectId, string liveStreamId) =>
        liveStreamId.StartsWith(IdPrefix, StringComparison.Ordinal) && liveStreamId.Length <= 100
        && await GetAsync(liveStreamId) is { } stream && stream.ProjectId == projectId
            ? stream
            : null;

    public async Task<IReadOnlyList<LiveStreamView>> ListAsync(string projectId)
    {
        var ids = await grains.GetGrain<IProjectLiveStreamsGrain>(projectId).ListAsync();
        var streams = await Task.WhenAll(ids.Select(GetAsync));
        return streams.OfType<LiveStreamView>().Where(stream => stream.ProjectId == projectId).ToList();
    }
}
