using Streamio.Abstractions.Videos;

namespace Streamio.Host.Videos;

/// <summary>The API's read side: videos as their grains tell them, one at a time or a newest-first page.</summary>
public sealed class VideoCatalog(IGrainFactory grains)
{
    public Task<VideoView?> GetAsync(string videoId) => grains.GetGrain<IVideoGrain>(videoId).GetAsync();

    /// <summary>The video if it belongs to <paramref name="projectId"/>; another project's video is indistinguishable from none.</summary>
    public async Task<VideoView?> GetInProjectAsync(string projectId, string videoId) =>
        await GetAsync(videoId) is { } video && video.ProjectId == projectId ? video : null;

    /// <summary>A page of the project's videos: one listing read plus one grain call per video, whatever the project holds.</summary>
    public async Task<(IReadOnlyList<VideoView> Items, VideoIndexCursor? Next)> ListAsync(string projectId, VideoIndexCursor? after, int limit)
    {
        var page = await grains.GetGrain<IProjectVideosGrain>(projectId).PageAsync(after, limit);
        var videos = await Task.WhenAll(page.VideoIds.Select(GetAsync));
        return (videos.OfType<VideoView>().Where(video => video.ProjectId == projectId).ToList(), page.Next);
    }
}
