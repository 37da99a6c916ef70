using Streamio.Abstractions.Videos;

namespace Streamio.Abstractions.Wire;

/// <summary>The shape of a video in the HTTP API, in SignalR updates and in webhook bodies (DESIGN §4).</summary>
/// <param name="Logo">Whether every rendition carries the project's logo (taken when the video was made).</param>
/// <param name="Progressive">Whether it was encoded while its upload ran, and why not (null: not an upload through the API).</param>
public sealed record VideoResponse(
    string Id,
    string? Title,
    string Status,
    bool Playable,
    double Progress,
    double? DurationSeconds,
    int? Width,
    int? Height,
    IReadOnlyList<RenditionResponse> Renditions,
    string? ThumbnailUrl,
    string? StoryboardUrl,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    bool Logo,
    ForensicResponse? Forensic = null,
    ProgressiveInfo? Progressive = null)
{
    public static VideoResponse From(VideoView video)
    {
        var renditions = video.Renditions
            .OrderBy(rendition => rendition.IsAudio).ThenBy(rendition => rendition.Height)
            .Select(rendition => new RenditionResponse(
                rendition.Name,
                rendition.IsAudio ? null : rendition.Width,
                rendition.IsAudio ? null : rendition.Height,
                rendition.BitrateKbps,
                RenditionStatus(video.Status, rendition),
                Math.Round(rendition.Progress, 4)))
            .ToList();
        return new VideoResponse(
            video.Id,
            video.Title,
            StatusName(video.Status),
            video.Playable,
            video.Progress,
            video.Source?.DurationSeconds,
            video.Source?.Width,
            video.Source?.Height,
            renditions,
            video.HasPoster ? $"/v1/videos/{video.Id}/thumbnail.jpg" : null,
            video.Storyboard is not null ? $"/v1/videos/{video.Id}/storyboard.vtt" : null,
            video.Error,
            video.CreatedAt,
            video.UpdatedAt,
            video.Logo is not null,
            video.Forensic ? new ForensicResponse(video.ForensicRung) : null,
            video.Progressive);
    }

    public static string StatusName(VideoStatus status) => status.ToString().ToLowerInvariant();

    private static string RenditionStatus(VideoStatus videoStatus, RenditionView rendition) => rendition switch
    {
        { Complete: true } => "ready",
        _ when videoStatus == VideoStatus.Failed => "failed",
        { Registered: > 0 } => "encoding",
        _ => "queued",
    };
}

/// <summary>
/// A forensic video: <paramref name="Rung"/> (null until the source is probed) is encoded as A and B copies, and a
/// viewer's stream of it carries their code.
/// </summary>
public sealed record ForensicResponse(string? Rung);

public sealed record RenditionResponse(string Name, int? Width, int? Height, int BitrateKbps, string Status, double Progress);

public sealed record VideoPage(IReadOnlyList<VideoResponse> Items, string? NextCursor);

/// <summary>A playback URL request; with <paramref name="Watermark"/>, a URL to a stream with the text burned into every frame.</summary>
public sealed record PlaybackRequest(int? TtlSeconds, string? Viewer, WatermarkRequest? Watermark = null);

/// <summary>
/// The text to draw on every frame of one viewer's stream: <c>position</c> is top-left, top-right, bottom-left,
/// bottom-right (the default) or moving; <c>opacity</c> 0–1 (default 0.5); <c>fontSize</c> in pixels (8–144, default 24).
/// </summary>
public sealed record WatermarkRequest(string? Text, string? Position, double? Opacity, int? FontSize);

/// <summary>
/// A watermarked stream: the signed master playlist (playable as soon as its first segment exists; until then its
/// EVENT playlist is empty), the session it belongs to and when that session ends. <c>reused</c>: the same viewer's
/// session was already running.
/// </summary>
public sealed record WatermarkedPlaybackResponse(string Url, DateTimeOffset ExpiresAt, string SessionId, DateTimeOffset SessionExpiresAt, string Status, bool Reused);

/// <summary>
/// Signed URLs sharing one token and expiry: the master playlist, the poster or any frame (<c>?time=</c>, <c>?width=</c>),
/// the storyboard WebVTT (its tiles signed too), the embed page and, when the project allows downloads, the MP4. None
/// needs an API key.
/// </summary>
/// <param name="DashUrl">The DASH MPD (CMAF, CENC with ClearKey), once the video is ready; null for videos without CMAF
/// output (encoded before it, or with <c>Streamio:Playback:Dash</c> off) and for forensic viewers (HLS only).</param>
/// <param name="CmafHlsUrl">The HLS master playlist of the same CMAF segments (fMP4, SAMPLE-AES-CTR, ClearKey over EME); null alike.</param>
/// <param name="LicenseUrl">The ClearKey license server for both (POST the W3C license request); null alike.</param>
public sealed record PlaybackResponse(
    string Url, DateTimeOffset ExpiresAt, string ThumbnailUrl, string StoryboardUrl, string EmbedUrl, string? DownloadUrl,
    string? DashUrl = null, string? CmafHlsUrl = null, string? LicenseUrl = null);
