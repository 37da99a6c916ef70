using Streamio.Grains.Videos;
using Streamio.Host.Api;

namespace Streamio.Host.Uploads;

/// <summary>
/// The one way a stored source becomes a video, whichever way it came in (multipart upload, upload URL, ingest by key):
/// the video grain is created (which schedules the probe) and the new video is read back for the 201.
/// </summary>
public sealed class VideoIntake(VideoGrain videos, VideoCatalog catalog)
{
    public static string NewVideoId() => $"v_{Guid.CreateVersion7():N}";

    /// <summary>A source Streamio wrote under the video's own keys (deleted when the video is ready, unless kept).</summary>
    public async Task<VideoSnapshot> CreateAsync(string projectId, string videoId, string? title, string sourceKey, long sourceBytes, CancellationToken cancellationToken)
    {
        await videos.CreateAsync(projectId, videoId, title, sourceKey, sourceBytes, cancellationToken);
        return (await catalog.GetAsync(videoId, cancellationToken))!;
    }

    /// <summary>A source that is someone else's object, read in place and never deleted.</summary>
    public async Task<VideoSnapshot> IngestAsync(string projectId, string videoId, string? title, string sourceKey, long sourceBytes, CancellationToken cancellationToken)
    {
        await videos.IngestAsync(projectId, videoId, title, sourceKey, sourceBytes, cancellationToken);
        return (await catalog.GetAsync(videoId, cancellationToken))!;
    }

    public static IResult Created(VideoSnapshot video) => Results.Created($"/v1/videos/{video.Video.Id}", VideoResponse.From(video));
}
