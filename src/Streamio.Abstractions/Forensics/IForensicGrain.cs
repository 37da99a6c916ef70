namespace Streamio.Abstractions.Forensics;

/// <summary>
/// The forensic side of one video (key: video id): which rung carries the A/B mark, the secret its viewers' codes are
/// derived from, and every viewer who was handed a forensic stream (the detector compares a leak against them).
/// </summary>
public interface IForensicGrain : IGrainWithStringKey
{
    /// <summary>Creates the code secret once; a second call changes nothing.</summary>
    Task InitializeAsync(string projectId, string rung);

    /// <summary>The rung and code secret, or null when the video is not forensic.</summary>
    [ReadOnly]
    Task<ForensicView?> GetAsync();

    /// <summary>Remembers that <paramref name="viewer"/> was given a forensic stream (idempotent; keeps the first time).</summary>
    Task RecordViewerAsync(string viewer);

    [ReadOnly]
    Task<IReadOnlyList<ForensicViewer>> GetViewersAsync();

    Task DeleteAsync();
}

/// <param name="CodeKey">HMAC key of the viewers' A/B codes: never leaves the cluster and the API nodes.</param>
[GenerateSerializer, Immutable]
public sealed record ForensicView(string ProjectId, string Rung, byte[] CodeKey, int Viewers);

[GenerateSerializer, Immutable]
public sealed record ForensicViewer(string Viewer, DateTimeOffset FirstServedAt);

/// <summary>
/// Runs leak detection on a silo (it is FFmpeg work): stateless, so every silo takes a share. The call may take as long
/// as decoding the leak and the reference does.
/// </summary>
public interface IForensicDetectorGrain : IGrainWithIntegerKey
{
    [ResponseTimeout("00:15:00")]
    Task<LeakReport> DetectAsync(LeakRequest request);
}

/// <param name="LeakKey">The recorded file in object storage (an upload kept for the analysis, or the caller's own object).</param>
[GenerateSerializer, Immutable]
public sealed record LeakRequest(string ProjectId, string VideoId, string LeakKey);

/// <summary>
/// The detector's answer. A <see cref="LeakVerdict.Match"/> names <paramref name="Viewer"/> with <paramref name="Confidence"/>
/// (one minus the chance that some known viewer's code, or a random one, explains the bits as well); otherwise
/// <paramref name="Reason"/> says why not. <paramref name="OffsetSeconds"/> is where in the video the leak starts.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LeakReport(
    LeakVerdict Verdict,
    string? Viewer,
    double Confidence,
    int SegmentsRead,
    string? Reason,
    double? OffsetSeconds,
    double Alignment,
    IReadOnlyList<ViewerScore> Candidates)
{
    public bool Match => Verdict == LeakVerdict.Match;

    public static LeakReport NoMatch(LeakVerdict verdict, string reason, int segmentsRead = 0, double alignment = 0, double? offsetSeconds = null,
        IReadOnlyList<ViewerScore>? candidates = null) =>
        new(verdict, null, 0, segmentsRead, reason, offsetSeconds, alignment, candidates ?? []);
}

[GenerateSerializer]
public enum LeakVerdict
{
    /// <summary>One known viewer's code explains the leak.</summary>
    Match,

    /// <summary>The leak is this video, but no known viewer's code explains it (an unmarked stream, or an unknown viewer).</summary>
    NoMatch,

    /// <summary>The leak does not line up with this video: it is another one.</summary>
    NotThisVideo,

    /// <summary>Too few whole segments to read a code from.</summary>
    TooShort,

    /// <summary>The file could not be decoded as a video.</summary>
    Unreadable,
}

/// <summary>How well one known viewer's code explains the leak's bits (a t statistic: large and positive is a match).</summary>
[GenerateSerializer, Immutable]
public sealed record ViewerScore(string Viewer, double Score, double Agreement);
