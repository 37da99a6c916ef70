using Streamio.Abstractions.Videos;
using Streamio.Abstractions.Wire;

namespace Streamio.Host.Uploads;

/// <summary>
/// The one way a stored source becomes a video, whichever way it came in (multipart upload, upload URL, tus, ingest by
/// key): the video grain is created, which schedules the probe, and answers with the new video.
/// </summary>
public sealed class VideoIntake(IGrainFactory grains)
{
    public static string NewVideoId() => $"v_{Guid.CreateVersion7():N}";

    /// <summary>A source Streamio wrote under the video's own keys (deleted when the video is ready, unless kept).</summary>
    public Task<VideoView> CreateAsync(string projectId, string videoId, string? title, string sourceKey, long sourceBytes, CancellationToken cancellationToken) =>
        grains.GetGrain<IVideoGrain>(videoId).CreateAsync(new NewVideo(projectId, title, sourceKey, sourceBytes)).WaitAsync(cancellationToken);

    /// <summary>A source that is someone else's object, read in place and never deleted.</summary>
    public Task<VideoView> IngestAsync(string projectId, string videoId, string? title, string sourceKey, long sourceBytes, CancellationToken cancellationToken) =>
        grains.GetGrain<IVideoGrain>(videoId).CreateAsync(new NewVideo(projectId, title, sourceKey, sourceBytes, SourceIsExternal: true)).WaitAsync(cancellationToken);

    public static IResult Created(VideoView video) => Results.Created($"/v1/videos/{video.Id}", VideoResponse.From(video));
}
