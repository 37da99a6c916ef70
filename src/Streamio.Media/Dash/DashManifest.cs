namespace Streamio.Media.Dash;

/// <summary>
/// A DASH presentation with one Period, independent of where its segments come from (a finished video, or a live
/// stream that grows): <see cref="DashMpd.Render"/> writes it as an MPD. Times inside segment templates are in each
/// template's timescale; the rest are seconds.
/// </summary>
public sealed record DashManifest(IReadOnlyList<DashAdaptationSet> AdaptationSets)
{
    /// <summary>Static (on demand: everything listed is there) or dynamic (live: the MPD is fetched again).</summary>
    public DashPresentationType Type { get; init; } = DashPresentationType.Static;

    /// <summary>Static: the whole length (<c>mediaPresentationDuration</c>). Dynamic: only once the stream ended.</summary>
    public double? DurationSeconds { get; init; }

    /// <summary>How much a player buffers before it starts (<c>minBufferTime</c>).</summary>
    public double MinBufferSeconds { get; init; } = 2;

    /// <summary>Dynamic: when period time 0 was (wall clock) (<c>availabilityStartTime</c>).</summary>
    public DateTimeOffset? AvailabilityStartTime { get; init; }

    /// <summary>Dynamic: when this version of the MPD was made (<c>publishTime</c>).</summary>
    public DateTimeOffset? PublishTime { get; init; }

    /// <summary>Dynamic: how often players fetch the MPD again (<c>minimumUpdatePeriod</c>).</summary>
    public double? MinimumUpdatePeriodSeconds { get; init; }

    /// <summary>Dynamic: how far behind the live edge segments stay available (<c>timeShiftBufferDepth</c>).</summary>
    public double? TimeShiftBufferDepthSeconds { get; init; }

    /// <summary>
    /// Dynamic: the server's clock when the MPD was made, given to players in the MPD itself (<c>UTCTiming</c>, scheme
    /// <c>urn:mpeg:dash:utc:direct:2014</c>), so they need no time server to place the live edge.
    /// </summary>
    public DateTimeOffset? ServerTime { get; init; }

    /// <summary>Dynamic: how far behind the live edge players play (<c>suggestedPresentationDelay</c>).</summary>
    public double? SuggestedPresentationDelaySeconds { get; init; }
}

public enum DashPresentationType
{
    Static,
    Dynamic,
}

/// <summary>Representations a player switches between: all video, or all audio. <see cref="Protection"/> null: clear.</summary>
public sealed record DashAdaptationSet(string ContentType, string MimeType, IReadOnlyList<DashRepresentation> Representations)
{
    public DashProtection? Protection { get; init; }

    /// <summary>Audio language (BCP 47), when known.</summary>
    public string? Language { get; init; }
}

/// <summary>
/// CENC ('cenc' scheme) with W3C ClearKey: the KID players announce for the set (<c>cenc:default_KID</c>, what a player
/// builds its license request from) and the license server's URL.
/// </summary>
public sealed record DashProtection(byte[] DefaultKeyId, string LicenseUrl);

/// <summary>One encoding of the content. <see cref="KeyId"/>: its own KID, when it differs from the set's.</summary>
public sealed record DashRepresentation(string Id, string Codecs, long BandwidthBitsPerSecond, DashSegmentTemplate Segments)
{
    public int? Width { get; init; }

    public int? Height { get; init; }

    public double? FrameRate { get; init; }

    public int? AudioSamplingRate { get; init; }

    public int? AudioChannels { get; init; }

    public byte[]? KeyId { get; init; }
}

/// <summary>
/// <c>SegmentTemplate</c> with a <c>SegmentTimeline</c>: URL templates (relative to the MPD; <c>$Number$</c> is the
/// segment's number), the timescale, the media time at period start, and each segment's start and duration.
/// </summary>
public sealed record DashSegmentTemplate(
    int Timescale,
    string Initialization,
    string Media,
    long StartNumber,
    long PresentationTimeOffset,
    IReadOnlyList<DashSegment> Timeline);

/// <summary>One segment in template time: its earliest presentation time and its duration.</summary>
public readonly record struct DashSegment(long Start, long Duration);
