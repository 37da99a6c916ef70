namespace Streamio.Abstractions.Videos;

[GenerateSerializer]
public enum VideoStatus
{
    Uploaded,
    Probing,
    Encoding,
    Ready,
    Failed,

    /// <summary>Created at the start of an upload whose source reads from the front: encoding while the bytes arrive.</summary>
    Uploading,
}

/// <summary>
/// Whether the video was encoded while its upload ran (issue 14); <paramref name="Reason"/> says why not when it was not.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ProgressiveInfo(bool Used, string? Reason = null);

/// <summary>What the probe found out about a source.</summary>
[GenerateSerializer, Immutable]
public sealed record SourceFacts(string Format, double DurationSeconds, int Width, int Height, double FrameRate, bool HasAudio);

/// <summary>
/// The ladder and timeline cut decided after probing. The video timeline is segment 0 of
/// <see cref="FirstSegmentSeconds"/> (short, so the first frame needs a tiny encode), then segments of
/// <see cref="SegmentSeconds"/>; every rung and every chunk cuts on the same boundaries. The audio keeps its own
/// whole-file pass on the <see cref="SegmentSeconds"/> grid (players align renditions by timestamps, not by index).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record EncodingPlan(double SegmentSeconds, int SegmentCount, IReadOnlyList<RenditionPlan> Renditions)
{
    /// <summary>The first video segment's length; 0 (plans made before it existed) means <see cref="SegmentSeconds"/>.</summary>
    [Id(3)]
    public double FirstSegmentSeconds { get; init; }

    /// <summary>The first video segment's length in effect.</summary>
    public double FirstSeconds => SegmentTimeline.First(FirstSegmentSeconds, SegmentSeconds);

    /// <summary>Where video segment <paramref name="index"/> starts on the source timeline.</summary>
    public double SegmentStart(int index) => SegmentTimeline.Start(FirstSegmentSeconds, SegmentSeconds, index);
}

/// <summary>A video timeline of one first segment (maybe shorter) and whole segments after it.</summary>
public static class SegmentTimeline
{
    /// <summary>The first segment's length in effect: 0 (or anything out of range) means a whole segment.</summary>
    public static double First(double firstSeconds, double segmentSeconds) =>
        firstSeconds > 0 && firstSeconds < segmentSeconds ? firstSeconds : segmentSeconds;

    /// <summary>Where segment <paramref name="index"/> starts.</summary>
    public static double Start(double firstSeconds, double segmentSeconds, int index) =>
        index <= 0 ? 0 : First(firstSeconds, segmentSeconds) + (index - 1) * segmentSeconds;

    /// <summary>The segment that holds the moment <paramref name="seconds"/>.</summary>
    public static int At(double firstSeconds, double segmentSeconds, double seconds)
    {
        var first = First(firstSeconds, segmentSeconds);
        return seconds < first ? 0 : 1 + (int)Math.Floor((seconds - first) / segmentSeconds);
    }
}

/// <param name="Forensic">A or B: a marked copy of the forensic rung (named "{rung}-a"/"{rung}-b"), never listed on its own.</param>
[GenerateSerializer, Immutable]
public sealed record RenditionPlan(string Name, int Width, int Height, int BitrateKbps, bool IsAudio, ForensicCopy Forensic = ForensicCopy.None)
{
    /// <summary>A rung a player may pick: video, and not a forensic copy.</summary>
    public bool IsPlainVideo => !IsAudio && Forensic == ForensicCopy.None;
}

/// <summary>Which copy of the forensic rung a rendition is: A carries +mark, B carries −mark.</summary>
[GenerateSerializer]
public enum ForensicCopy
{
    None,
    A,
    B,
}

/// <summary>The storyboard sprite's layout: one tile every <paramref name="IntervalSeconds"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record StoryboardInfo(double IntervalSeconds, int TileCount, int Columns, int TileWidth, int TileHeight);

/// <summary>A new video whose source is already stored at <paramref name="SourceKey"/>.</summary>
/// <param name="SourceIsExternal">An object Streamio was pointed at (ingest by key): read in place, never deleted.</param>
/// <param name="WithLogo">Whether the video carries its project's logo (when the project has one); false opts out.</param>
/// <param name="Forensic">Encode a forensic A/B copy of one rung, so a leak can be traced to a viewer.</param>
/// <param name="ProgressiveSource">
/// The signed URL of the upload still arriving (GET /internal/sources/{id}): the video starts as
/// <see cref="VideoStatus.Uploading"/> and encodes from it until <see cref="IVideoGrain.OnUploadedAsync"/>.
/// </param>
/// <param name="Progressive">Whether encoding while uploading was used, and why not (shown in the video's details).</param>
[GenerateSerializer, Immutable]
public sealed record NewVideo(
    string ProjectId, string? Title, string SourceKey, long SourceBytes, bool SourceIsExternal = false, bool WithLogo = true, bool Forensic = false,
    string? ProgressiveSource = null, ProgressiveInfo? Progressive = null);

/// <summary>A live session's recording to turn into a video (<see cref="IVideoGrain.CreateFromRecordingAsync"/>).</summary>
/// <param name="LiveStreamId">The stream it was recorded from: told when the video is ready.</param>
[GenerateSerializer, Immutable]
public sealed record NewRecording(string ProjectId, string? Title, string LiveStreamId, SourceFacts Source, double SegmentSeconds, IReadOnlyList<RecordedRendition> Renditions);

/// <summary>
/// One recorded rendition: its plan, the AES-128 key its segments were encrypted with, and their durations from index 0;
/// <paramref name="Cmaf"/>: its CMAF twins, when the session made them.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RecordedRendition(RenditionPlan Plan, byte[] Key, IReadOnlyList<double> Durations, RecordedCmaf? Cmaf = null);

/// <summary>A recorded rendition's CMAF twins: their CENC key and KID, timescale and starts (tfdt) from index 0.</summary>
[GenerateSerializer, Immutable]
public sealed record RecordedCmaf(byte[] KeyId, byte[] Key, int Timescale, IReadOnlyList<long> Starts);

/// <summary>One rendition as the video sees it: enough for the API, the master playlist and progress.</summary>
[GenerateSerializer, Immutable]
public sealed record RenditionView(
    string Name, int Width, int Height, int BitrateKbps, bool IsAudio, int SegmentCount, int Registered, bool Complete, ForensicCopy Forensic = ForensicCopy.None)
{
    /// <summary>A rung a player may pick: video, and not a forensic copy.</summary>
    public bool IsPlainVideo => !IsAudio && Forensic == ForensicCopy.None;

    public double Progress => Complete ? 1 : SegmentCount == 0 ? 0 : Math.Min(1, (double)Registered / SegmentCount);
}

/// <summary>A video as read through its grain: the lifecycle plus its renditions' progress.</summary>
[GenerateSerializer, Immutable]
public sealed record VideoView(
    string Id,
    string ProjectId,
    string? Title,
    VideoStatus Status,
    string? Error,
    SourceFacts? Source,
    double SegmentSeconds,
    IReadOnlyList<RenditionView> Renditions,
    bool Playable,
    bool HasPoster,
    StoryboardInfo? Storyboard,
    string SourceKey,
    bool SourceIsExternal,
    bool SourceDeleted,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    Projects.ProjectLogo? Logo = null,
    bool Forensic = false,
    string? ForensicRung = null,
    double FirstSegmentSeconds = 0,
    ProgressiveInfo? Progressive = null)
{
    public bool IsTerminal => Status is VideoStatus.Ready or VideoStatus.Failed;

    /// <summary>0..1: segments done over segments planned, across every rendition.</summary>
    public double Progress => Status switch
    {
        VideoStatus.Ready => 1,
        VideoStatus.Encoding when Renditions.Count > 0 => Math.Round(Renditions.Average(rendition => rendition.Progress), 4),
        _ => 0,
    };

    public RenditionView? Rendition(string name) => Renditions.FirstOrDefault(rendition => rendition.Name == name);
}

/// <summary>What a variant holds for playback: its key and the durations of the segments a player may fetch.</summary>
[GenerateSerializer, Immutable]
public sealed record VariantView(
    string VideoId,
    string ProjectId,
    string Name,
    bool IsAudio,
    int Width,
    int Height,
    int BitrateKbps,
    int SegmentCount,
    bool Complete,
    IReadOnlyList<double> ContiguousDurations,
    IReadOnlyList<int> Registered,
    byte[]? CencKeyId = null,
    int CmafTimescale = 0,
    IReadOnlyList<long>? CmafContiguousStarts = null)
{
    /// <summary>Whether the rendition has CMAF output (a CENC key): videos encoded before it, or with DASH off, have none.</summary>
    public bool HasCmaf => CencKeyId is { Length: > 0 };

    /// <summary>Every segment's CMAF twin is stored too: the rendition can be played over DASH.</summary>
    public bool CmafComplete => HasCmaf && Complete && CmafContiguousStarts is { } starts && starts.Count >= SegmentCount && ContiguousDurations.Count >= SegmentCount;
}

/// <summary>A variant to create when the video is planned; <paramref name="Cmaf"/>: it also gets CMAF segments (and a CENC key).</summary>
[GenerateSerializer, Immutable]
public sealed record VariantPlan(string VideoId, string ProjectId, RenditionPlan Rendition, int SegmentCount, bool Cmaf = false);

[GenerateSerializer]
public enum RegisterOutcome
{
    /// <summary>The segment is new and now playable.</summary>
    Registered,

    /// <summary>An earlier run of the same chunk registered it already; the stored copy stays.</summary>
    Duplicate,

    /// <summary>The variant no longer exists (the video was deleted or failed): the caller cleans up what it wrote.</summary>
    Gone,
}

/// <summary>The answer to a segment registration, with the variant's counters for the video's progress.</summary>
[GenerateSerializer, Immutable]
public sealed record SegmentRegistration(RegisterOutcome Outcome, int Registered, bool Complete);
