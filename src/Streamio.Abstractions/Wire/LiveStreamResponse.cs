using Streamio.Abstractions.Live;

namespace Streamio.Abstractions.Wire;

/// <summary>
/// The shape of a live stream in the HTTP API, SignalR updates and webhook bodies. <paramref name="StreamKey"/> is the
/// project's to see (null where a surface must not show it, e.g. webhook bodies).
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
    IReadOnlyList<string> RecordingVideoIds)
{
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
