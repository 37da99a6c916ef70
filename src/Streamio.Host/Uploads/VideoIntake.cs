using Streamio.Abstractions.Projects;
using Streamio.Abstractions.Videos;
using Streamio.Abstractions.Wire;
using Streamio.Telemetry;

namespace Streamio.Host.Uploads;

/// <summary>
/// The one way a stored source becomes a video, whichever way it came in (multipart upload, upload URL, tus, ingest by
/// key): the video grain is created, which schedules the probe, and answers with the new video.
/// </summary>
public sealed class VideoIntake(IGrainFactory grains)
{
    public static string NewVideoId() => $"v_{Guid.CreateVersion7():N}";

    /// <summary>
    /// A source Streamio wrote under the video's own keys (deleted when the video is ready, unless kept). Forensic
    /// watermarking is what the upload asked for, else the project's setting.
    /// </summary>
    public async Task<VideoView> CreateAsync(
        string projectId, string videoId, string? title, string sourceKey, long sourceBytes, CancellationToken cancellationToken, bool withLogo = true,
        bool? forensic = null, ProgressiveInfo? progressive = null) =>
        await CreateVideoAsync(
            new NewVideo(projectId, title, sourceKey, sourceBytes, WithLogo: withLogo, Forensic: await ForensicAsync(projectId, forensic), Progressive: progressive),
            videoId, "upload", cancellationToken);

    /// <summary>A source that is someone else's object, read in place and never deleted.</summary>
    public async Task<VideoView> IngestAsync(
        string projectId, string videoId, string? title, string sourceKey, long sourceBytes, CancellationToken cancellationToken, bool withLogo = true,
        bool? forensic = null) =>
        await CreateVideoAsync(
            new NewVideo(projectId, title, sourceKey, sourceBytes, SourceIsExternal: true, WithLogo: withLogo, Forensic: await ForensicAsync(projectId, forensic)),
            videoId, "ingest", cancellationToken);

    /// <summary>Creates the video and counts it (<c>streamio.uploads</c>, <c>streamio.upload.bytes</c>) by the way it came in.</summary>
    private async Task<VideoView> CreateVideoAsync(NewVideo video, string videoId, string source, CancellationToken cancellationToken)
    {
        var created = await grains.GetGrain<IVideoGrain>(videoId).CreateAsync(video).WaitAsync(cancellationToken);
        Count(source, video.SourceBytes);
        return created;
    }

    /// <summary>Counts an upload (<c>streamio.uploads</c>, <c>streamio.upload.bytes</c>) by the way it came in.</summary>
    public static void Count(string source, long bytes)
    {
        var way = new KeyValuePair<string, object?>("source", source);
        StreamioTelemetry.Uploads.Add(1, way);
        StreamioTelemetry.UploadBytes.Add(bytes, way);
    }

    /// <summary>Forensic watermarking: what the upload asked for, else the project's setting.</summary>
    public async Task<bool> ForensicAsync(string projectId, bool? asked) =>
        asked ?? (await grains.GetGrain<IProjectGrain>(projectId).GetAsync())?.Forensics == true;

    public static IResult Created(VideoView video) => Results.Created($"/v1/videos/{video.Id}", VideoResponse.From(video));
}

/// <summary>The <c>logo</c> choice of an upload (form field, JSON property or tus metadata): absent means yes.</summary>
public static class LogoChoice
{
    public const string Field = "logo";

    /// <summary>True or false, or null with <paramref name="error"/> set when the text is neither.</summary>
    public static bool? Parse(string? text, out string? error)
    {
        error = null;
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "" or "true" or "1" or "yes" or "on":
                return true;
            case "false" or "0" or "no" or "off":
                return false;
            default:
                error = $"logo must be true or false (false: this video does not carry the project's logo), not '{Clip(text!)}'.";
                return null;
        }
    }

    private static string Clip(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
