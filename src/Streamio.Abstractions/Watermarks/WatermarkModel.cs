namespace Streamio.Abstractions.Watermarks;

/// <summary>What to burn into every frame: text already checked by the API, a position name, opacity 0..1, font size in pixels.</summary>
[GenerateSerializer, Immutable]
public sealed record WatermarkSpec(string Text, string Position, double Opacity, int FontSize);

/// <summary>A request for one viewer's watermarked stream of one video.</summary>
[GenerateSerializer, Immutable]
public sealed record WatermarkSessionRequest(string VideoId, string ProjectId, string? Viewer, WatermarkSpec Watermark);

[GenerateSerializer]
public enum WatermarkSessionStatus
{
    /// <summary>Admitted: waiting for a silo with a free session slot to take it.</summary>
    Queued,

    /// <summary>FFmpeg draws the text on a silo; segments appear as they are made.</summary>
    Running,

    /// <summary>Every segment is made: the playlist is VOD until the session expires.</summary>
    Complete,

    Failed,
}

[GenerateSerializer]
public enum WatermarkAdmission
{
    /// <summary>A new session was admitted.</summary>
    Started,

    /// <summary>The same viewer asked for the same watermark within the session's life: the running session is reused.</summary>
    Reused,

    /// <summary>Every silo runs its maximum of sessions: nothing was started.</summary>
    Full,
}

/// <summary>The rendition a session watermarks, chosen once the video's ladder is planned.</summary>
[GenerateSerializer, Immutable]
public sealed record WatermarkRendition(string SourceRendition, int Width, int Height, int BitrateKbps, double FrameRate, string? AudioRendition, int AudioKbps, double SegmentSeconds);

/// <summary>A watermark session as the playback side reads it.</summary>
[GenerateSerializer, Immutable]
public sealed record WatermarkSessionView(
    string SessionId,
    string Generation,
    string VideoId,
    string ProjectId,
    string? Viewer,
    WatermarkSpec Watermark,
    WatermarkSessionStatus Status,
    WatermarkRendition? Rendition,
    IReadOnlyList<double> SegmentDurations,
    bool Complete,
    string? Error,
    string? Silo,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt);

[GenerateSerializer, Immutable]
public sealed record WatermarkSessionStart(WatermarkAdmission Admission, WatermarkSessionView? Session);

/// <summary>What a silo needs to run one attempt of a session.</summary>
[GenerateSerializer, Immutable]
public sealed record WatermarkRun(
    string SessionId,
    string Generation,
    string VideoId,
    string ProjectId,
    WatermarkSpec Watermark,
    byte[] Key,
    int Attempt,
    DateTimeOffset ExpiresAt);

/// <summary>A silo's session slots as the slot registry last heard of them.</summary>
[GenerateSerializer, Immutable]
public sealed record WatermarkSiloSlots(string Silo, int Capacity, int Running, DateTimeOffset LastSeen);

[GenerateSerializer, Immutable]
public sealed record WatermarkSlotsView(IReadOnlyList<WatermarkSiloSlots> Silos, int Waiting, int Free);

/// <summary>Keys of watermark sessions: one per video and viewer (and watermark), as a storage- and URL-safe id.</summary>
public static class WatermarkSessionKeys
{
    /// <summary>The session grain's key: "{videoId}/{sessionId}".</summary>
    public static string Of(string videoId, string sessionId) => $"{videoId}/{sessionId}";

    public static (string VideoId, string SessionId) Parse(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash <= 0 ? throw new ArgumentException($"'{key}' is not a watermark session key.", nameof(key)) : (key[..slash], key[(slash + 1)..]);
    }
}
