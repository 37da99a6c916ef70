namespace Streamio.Grains.Watermarks;

/// <summary>Burned-in watermark sessions (configuration section <c>Streamio:Watermark</c>).</summary>
public sealed class WatermarkOptions
{
    public const string SectionName = "Streamio:Watermark";

    /// <summary>How long a session lives; its segments and key are deleted after it, and playback URLs never outlive it.</summary>
    public int SessionTtlSeconds { get; set; } = 3600;

    /// <summary>
    /// Sessions (FFmpeg runs) a silo runs at once; a request when every silo is full gets 429. Unset: the silo's cores,
    /// or none on a control silo (<c>Streamio:Silo:Workers=0</c>), which takes no work of any kind.
    /// </summary>
    public int? MaxSessionsPerSilo { get; set; }

    public int SessionsFor(SiloWorkOptions silo) => MaxSessionsPerSilo ?? (silo.Workers == 0 ? 0 : Math.Max(1, Environment.ProcessorCount));

    /// <summary>The rendition watermarked: the tallest at or under this height (the lowest when none is).</summary>
    public int MaxHeight { get; set; } = 720;

    /// <summary>Segment length of the watermarked stream: short, so the first one is ready soon.</summary>
    public double SegmentSeconds { get; set; } = 2;

    /// <summary>x264 preset of the re-encode: each session encodes in real time or faster, so it is a cheap one.</summary>
    public string Preset { get; set; } = "veryfast";

    /// <summary>TrueType font drawtext uses (Debian package fonts-dejavu-core).</summary>
    public string FontFile { get; set; } = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    /// <summary>Scratch folder for the runs' FFmpeg output; empty: "watermarks" under Streamio:Encoding:WorkPath.</summary>
    public string ScratchPath { get; set; } = "";

    /// <summary>The Retry-After a full cluster answers with.</summary>
    public int RetryAfterSeconds { get; set; } = 10;
}
