using Streamio.Abstractions.Live;

namespace Streamio.Abstractions.Wire;

/// <summary>Where a publisher sends a live stream: the RTMP server URL (the key is the stream name) and the full SRT URL.</summary>
public sealed record LiveIngestUrls(string RtmpUrl, string SrtUrl);

/// <summary>
/// The shape of a live stream in the HTTP API, in SignalR <c>liveUpdated</c> messages and in live webhook bodies.
/// <paramref name="StreamKey"/> is a secret of the project, like an API key: whoever holds it can publish.
/// </summary>
public sealed record LiveStreamResponse(
    string Id,
    string? Title,
    string Status,
    string StreamKey,
    string RtmpUrl,
    string SrtUrl,
    int DvrWindowSeconds,
    bool Record,
    DateTimeOffset CreatedAt,
    LiveSessionResponse? Session,
    IReadOnlyList<string> RecordingVideoIds)
{
    public static LiveStreamResponse From(LiveStreamView stream, LiveIngestUrls ingest) => new(
        stream.Id,
        stream.Title,
        StatusName(stream.Status),
        stream.StreamKey,
        ingest.RtmpUrl,
        ingest.SrtUrl,
        stream.DvrWindowSeconds,
        stream.Record,
        stream.CreatedAt,
        stream.Session is { } session ? LiveSessionResponse.From(session) : null,
        stream.RecordingVideoIds);

    public static string StatusName(LiveStatus status) => status.ToString().ToLowerInvariant();
}

/// <summary>
/// The current (or last) session: when it started and ended, how many publisher connections it had (a reconnect within
/// the grace adds a leg), the last measured latency from capture to a published segment, its renditions, and the video
/// its recording becomes.
/// </summary>
public sealed record LiveSessionResponse(
    string Id,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    int Legs,
    string? Protocol,
    double? LatencySeconds,
    IReadOnlyList<LiveRenditionResponse> Renditions,
    string? RecordingVideoId,
    string? EndReason)
{
    public static LiveSessionResponse From(LiveSessionView session) => new(
        session.SessionId,
        session.StartedAt,
        session.EndedAt,
        session.Legs,
        session.Protocol,
        session.LatencySeconds is { } latency ? Math.Round(latency, 3) : null,
        session.Renditions
            .OrderBy(rendition => rendition.IsAudio).ThenBy(rendition => rendition.Height)
            .Select(rendition => new LiveRenditionResponse(
                rendition.Name, rendition.IsAudio ? null : rendition.Width, rendition.IsAudio ? null : rendition.Height, rendition.BitrateKbps))
            .ToList(),
        session.RecordingVideoId,
        session.EndReason);
}

/// <summary>One rung of a live session's ladder (width and height are null for the audio rendition).</summary>
public sealed record LiveRenditionResponse(string Name, int? Width, int? Height, int BitrateKbps);

/// <summary>A project's live streams, newest first.</summary>
public sealed record LiveStreamPage(IReadOnlyList<LiveStreamResponse> Items);

/// <summary>What <c>POST /v1/live-streams</c> takes: a title (≤ 200 characters), the DVR window players can seek back in, and whether sessions are recorded as videos.</summary>
public sealed record LiveStreamCreateRequest(string? Title, int? DvrWindowSeconds, bool? Record);

/// <summary>A live playback URL request (the same fields as a video's, without watermarks).</summary>
public sealed record LivePlaybackRequest(int? TtlSeconds, string? Viewer);

/// <summary>
/// A signed live master playlist URL and its token (players on other origins can sign their own fetches with it); more
/// URLs (a DASH manifest) may be added beside <c>url</c>.
/// </summary>
public sealed record LivePlaybackResponse(string Url, string Token, DateTimeOffset ExpiresAt);
