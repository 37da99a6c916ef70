using Streamio.Abstractions.Live;

namespace Streamio.Abstractions.Wire;

/// <summary>Where a publisher sends a live stream: the RTMP server URL (the key is the stream name) and the full SRT URL.</summary>
public sealed record LiveIngestUrls(string RtmpUrl, string SrtUrl);

/// <summary>
/// The shape of a live stream in the HTTP API, SignalR updates and webhook bodies. <paramref name="StreamKey"/> is the
/// project's to see (null where a surface must not show it, e.g. webhook bodies), and so are the publish URLs
/// <paramref name="RtmpUrl"/> (server; the key is the stream name) and <paramref name="SrtUrl"/> (the key included),
/// which only the API can build (they name the host publishers reach).
/// </summary>
public sealed record LiveStreamResponse(
    string Id,
    string? Title,
    string Status,
    string? StreamKey,
    int DvrWindowSeconds,
    bool Record,
    DateTimeOffset CreatedAt,
    LiveSessionResponse? Session,
    IReadOnlyList<string> RecordingVideoIds,
    string? RtmpUrl = null,
    string? SrtUrl = null)
{
    /// <summary>The API's answer: the key and where to publish with it.</summary>
    public static LiveStreamResponse From(LiveStreamView stream, LiveIngestUrls ingest) =>
        From(stream) with { RtmpUrl = ingest.RtmpUrl, SrtUrl = ingest.SrtUrl };

    public static LiveStreamResponse From(LiveStreamView stream, bool withKey = true) => new(
        stream.Id,
        stream.Title,
        StatusName(stream.Status),
        withKey ? stream.StreamKey : null,
        stream.DvrWindowSeconds,
        stream.Record,
        stream.CreatedAt,
        stream.Session is { } session ? LiveSessionResponse.From(session) : null,
        stream.RecordingVideoIds);

    public static string StatusName(LiveStatus status) => status.ToString().ToLowerInvariant();
}

/// <summary>
/// The session being published (or the last one): its legs (a reconnect adds one), the silo holding it, its ladder, the
/// measured latency from a frame's arrival to its segment in the playlist, and the recording's video id once made.
/// </summary>
public sealed record LiveSessionResponse(
    string Id,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    int Legs,
    string? Protocol,
    IReadOnlyList<RenditionResponse> Renditions,
    double SegmentSeconds,
    double? LatencySeconds,
    string? RecordingVideoId,
    string? EndReason)
{
    public static LiveSessionResponse From(LiveSessionView session) => new(
        session.SessionId,
        session.StartedAt,
        session.EndedAt,
        session.Legs,
        session.Protocol,
        session.Renditions.OrderBy(rendition => rendition.IsAudio).ThenBy(rendition => rendition.Height)
            .Select(rendition => new RenditionResponse(rendition.Name, rendition.IsAudio ? null : rendition.Width, rendition.IsAudio ? null : rendition.Height,
                rendition.BitrateKbps, session.EndedAt is null ? "live" : "ended", 1))
            .ToList(),
        session.SegmentSeconds,
        session.LatencySeconds is { } latency ? Math.Round(latency, 3) : null,
        session.RecordingVideoId,
        session.EndReason);
}

/// <summary>The body every delivery of a live event carries: the live stream without its key.</summary>
public sealed record LiveWebhookEventBody(string Id, string Type, DateTimeOffset CreatedAt, LiveStreamResponse LiveStream);

/// <summary>A project's live streams, newest first.</summary>
public sealed record LiveStreamPage(IReadOnlyList<LiveStreamResponse> Items);

/// <summary>What <c>POST /v1/live-streams</c> takes: a title (≤ 200 characters), the DVR window players can seek back in, and whether sessions are recorded as videos.</summary>
public sealed record LiveStreamCreateRequest(string? Title, int? DvrWindowSeconds, bool? Record);

/// <summary>A live playback URL request (the same fields as a video's, without watermarks).</summary>
public sealed record LivePlaybackRequest(int? TtlSeconds, string? Viewer);

/// <summary>
/// A signed live master playlist URL and its token (players on other origins can sign their own fetches with it), and
/// beside it the DASH manifest and the ClearKey license server its CENC segments need.
/// </summary>
public sealed record LivePlaybackResponse(string Url, string Token, DateTimeOffset ExpiresAt, string? DashUrl = null, string? LicenseUrl = null);
