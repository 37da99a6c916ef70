using Streamio.Abstractions.Videos;

namespace Streamio.Abstractions.Live;

/// <summary>
/// Where a live stream stands. <c>Idle</c>: nobody publishes. <c>Connected</c>: a publisher is accepted and the ladder is
/// starting (or it dropped and the reconnect grace is running). <c>Live</c>: segments are being published.
/// <c>Ended</c>: the last session ended (grace over, deleted publisher, silo lost); its recording is or becomes a video.
/// A new publish on an ended stream starts a new session.
/// </summary>
public enum LiveStatus
{
    Idle,
    Connected,
    Live,
    Ended,
}

/// <summary>What <c>POST /v1/live-streams</c> asks for.</summary>
[GenerateSerializer, Immutable]
public sealed record LiveStreamCreate(string ProjectId, string? Title, int DvrWindowSeconds, bool Record);

/// <summary>
/// One publish-to-end span of a stream. Legs are the publisher's connections within it: a reconnect inside the grace
/// period adds a leg (a discontinuity in the playlists), not a session.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LiveSessionView(
    string SessionId,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    int Legs,
    string? Silo,
    string? Protocol,
    IReadOnlyList<RenditionPlan> Renditions,
    double SegmentSeconds,
    double? LatencySeconds,
    string? RecordingVideoId,
    string? EndReason);

/// <summary>A live stream as the API shows it (the key is its project's to see, like a webhook secret).</summary>
[GenerateSerializer, Immutable]
public sealed record LiveStreamView(
    string Id,
    string ProjectId,
    string? Title,
    string StreamKey,
    LiveStatus Status,
    int DvrWindowSeconds,
    bool Record,
    DateTimeOffset CreatedAt,
    LiveSessionView? Session,
    IReadOnlyList<string> RecordingVideoIds);

/// <summary>
/// A publisher the ingest accepted, as the silo tells the stream: which silo holds it and how it came in.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LivePublisher(string Silo, string Protocol, string Remote);

/// <summary>
/// The stream's answer to a publisher: the session and leg to encode for, or a refusal (deleted, another publisher
/// already live). <see cref="Renditions"/> is null on a session's first leg until the silo plans the ladder.
/// </summary>
/// <param name="FirstIndexes">Per rendition, the index its first segment of this leg takes (numbering goes on across legs).</param>
/// <param name="StartSeconds">Where this leg starts on the session's timeline (the earlier legs' length), so the recording is one timeline.</param>
/// <param name="StoragePrefix">Where the leg's segments are stored: <c>{prefix}{rendition}/{index}.ts</c> (the recording video's HLS folder when recorded).</param>
/// <param name="ProjectId">The stream's project.</param>
/// <param name="CmafPrefix">Where the leg's CMAF twins are stored (<c>{prefix}{rendition}/init.mp4</c> and <c>{index}.m4s</c>); empty: no CMAF.</param>
[GenerateSerializer, Immutable]
public sealed record LiveLeg(
    bool Accepted,
    string? SessionId,
    int Leg,
    int FirstSegmentIndex,
    string? Refusal,
    IReadOnlyList<RenditionPlan>? Renditions,
    IReadOnlyDictionary<string, int>? FirstIndexes = null,
    double StartSeconds = 0,
    string StoragePrefix = "",
    string ProjectId = "",
    string CmafPrefix = "")
{
    public static LiveLeg Refused(string reason) => new(false, null, 0, 0, reason, null);

    /// <summary>The first index of <paramref name="rendition"/> in this leg (0 for a rendition new to the session).</summary>
    public int FirstIndexOf(string rendition) => FirstIndexes?.GetValueOrDefault(rendition) ?? 0;
}

/// <summary>One segment of one rendition in a live playlist; <c>Discontinuity</c> marks the first one of a later leg.</summary>
[GenerateSerializer, Immutable]
public sealed record LiveSegment(int Index, double DurationSeconds, bool Discontinuity, DateTimeOffset ProgramDateTime);

/// <summary>A rendition's segments inside the DVR window, oldest first, and whether the session has ended.</summary>
/// <param name="DiscontinuitySequence">Discontinuities of this rendition before the window's first segment (EXT-X-DISCONTINUITY-SEQUENCE).</param>
/// <param name="StoragePrefix">Segment <c>i</c> is the object <c>{StoragePrefix}{i}.ts</c>, encrypted with the session's rendition key (IV = i).</param>
[GenerateSerializer, Immutable]
public sealed record LivePlaylistView(
    string SessionId,
    string Rendition,
    IReadOnlyList<LiveSegment> Segments,
    double SegmentSeconds,
    bool Ended,
    int DiscontinuitySequence = 0,
    string StoragePrefix = "");

/// <summary>A rendition's CENC key and KID; <c>CodecConfig</c>: the fingerprint of its stored init's codec setup, null before the first one.</summary>
[GenerateSerializer, Immutable]
public sealed record LiveCencKey(byte[] KeyId, byte[] Key, string? CodecConfig);

/// <summary>
/// A stored CMAF segment as the silo reports it: its start (tfdt) in <c>Timescale</c> ticks per second and the codec
/// fingerprint of the init it was cut with (it must match the session's init).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LiveCmafSegment(string Rendition, int Index, long StartTime, int Timescale, string CodecConfig);

/// <summary>
/// A session's CMAF renditions within the DVR window, for a DASH MPD: dynamic while the session runs, static once it ended.
/// </summary>
/// <param name="CmafPrefix">Rendition <c>r</c>'s init is <c>{CmafPrefix}{r}/init.mp4</c>, segment <c>i</c> is <c>{CmafPrefix}{r}/{i}.m4s</c>.</param>
[GenerateSerializer, Immutable]
public sealed record LiveDashView(
    string SessionId,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    int DvrWindowSeconds,
    double SegmentSeconds,
    double? FrameRate,
    string CmafPrefix,
    IReadOnlyList<LiveDashTrack> Tracks)
{
    public bool Ended => EndedAt is not null;
}

/// <summary>One CMAF rendition: its KID, timescale, the tfdt of its session's first CMAF segment, and its segments in the window.</summary>
[GenerateSerializer, Immutable]
public sealed record LiveDashTrack(RenditionPlan Rendition, byte[] KeyId, int Timescale, long FirstStart, IReadOnlyList<LiveDashSegment> Segments);

/// <summary>A CMAF segment in the window: its index, its start (tfdt), its length, and whether it begins a later leg.</summary>
[GenerateSerializer, Immutable]
public sealed record LiveDashSegment(int Index, long StartTime, double DurationSeconds, bool Discontinuity);

/// <summary>
/// An event a live stream committed, handed to its project for webhook delivery (body:
/// <c>{id, type, createdAt, liveStream}</c>, the live stream in the shape of <c>LiveStreamResponse</c>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LiveStreamEvent(string EventId, string Type, DateTimeOffset OccurredAt, LiveStreamView LiveStream);

public static class LiveStreamIds
{
    /// <summary>A new live stream id (<c>ls_</c> and 32 hex digits, time-ordered).</summary>
    public static string New() => $"ls_{Guid.CreateVersion7():N}";
}

/// <summary>The live events webhooks can subscribe to.</summary>
public static class LiveEventTypes
{
    public const string Connected = "live.connected";
    public const string Ended = "live.ended";
    public const string RecordingReady = "live.recording.ready";

    public static readonly IReadOnlyList<string> All = [Connected, Ended, RecordingReady];
}
