using Streamio.Grains.Videos;

namespace Streamio.Host.Api;

/// <summary>The shape of a video in the HTTP API and in SignalR updates (DESIGN §4).</summary>
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
    DateTimeOffset UpdatedAt)
{
    public static VideoResponse From(VideoSnapshot snapshot)
    {
        var video = snapshot.Video;
        var renditions = snapshot.Variants
            .OrderBy(variant => variant.IsAudio).ThenBy(variant => variant.Height)
            .Select(variant => new RenditionResponse(
                variant.Name,
                variant.IsAudio ? null : variant.Width,
                variant.IsAudio ? null : variant.Height,
                variant.BitrateKbps,
                RenditionStatus(video.Status, variant),
                Math.Round(variant.Progress, 4)))
            .ToList();
        return new VideoResponse(
            video.Id,
            video.Title,
            StatusName(video.Status),
            snapshot.Playable,
            snapshot.Progress,
            video.Source?.DurationSeconds,
            video.Source?.Width,
            video.Source?.Height,
            renditions,
            video.HasPoster ? $"/v1/videos/{video.Id}/thumbnail.jpg" : null,
            video.Storyboard is not null ? $"/v1/videos/{video.Id}/storyboard.vtt" : null,
            video.Error,
            snapshot.CreatedAt,
            snapshot.UpdatedAt);
    }

    public static string StatusName(VideoStatus status) => status.ToString().ToLowerInvariant();

    private static string RenditionStatus(VideoStatus videoStatus, VariantState variant) => variant switch
    {
        { Complete: true } => "ready",
        _ when videoStatus == VideoStatus.Failed => "failed",
        { Segments.Count: > 0 } => "encoding",
        _ => "queued",
    };
}

public sealed record RenditionResponse(string Name, int? Width, int? Height, int BitrateKbps, string Status, double Progress);

public sealed record VideoPage(IReadOnlyList<VideoResponse> Items, string? NextCursor);

public sealed record PlaybackRequest(int? TtlSeconds, string? Viewer);

public sealed record PlaybackResponse(string Url, DateTimeOffset ExpiresAt);
