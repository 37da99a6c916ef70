using Streamio.Media;

namespace Streamio.Grains.Live;

/// <summary>How live streams are cut, kept and encoded (configuration section <c>Streamio:Live</c>).</summary>
public sealed class LiveOptions
{
    public const string SectionName = "Streamio:Live";

    /// <summary>Segment length: short segments keep the delay behind the publisher low.</summary>
    public double SegmentSeconds { get; set; } = 1;

    /// <summary>The DVR window of a stream created without one: how far back a viewer can seek.</summary>
    public int DvrWindowSeconds { get; set; } = 1800;

    /// <summary>A publisher that reconnects within this long continues the same session (a discontinuity in the playlists).</summary>
    public double ReconnectGraceSeconds { get; set; } = 10;

    /// <summary>The live ladder; empty means the VOD ladder (<c>Streamio:Encoding:Ladder</c>).</summary>
    public List<Rung> Ladder { get; set; } = [];

    /// <summary>At most this many video rungs per stream: a live ladder is encoded in real time on one silo.</summary>
    public int MaxRungs { get; set; } = 3;

    public int AudioBitrateKbps { get; set; } = 128;

    /// <summary>x264 preset of the live encode.</summary>
    public string Preset { get; set; } = "veryfast";

    /// <summary>Scratch folder of live encodes on this silo; empty means "live" under <c>Streamio:Encoding:WorkPath</c>.</summary>
    public string ScratchPath { get; set; } = "";

    /// <summary>How long the silo waits for the publisher's first bytes to learn its picture (or until 1 MB came).</summary>
    public double ProbeSeconds { get; set; } = 2;

    /// <summary>How often the silo asks the stream whether its publisher is still wanted (key reset, stream deleted).</summary>
    public double CurrentPollSeconds { get; set; } = 2;

    /// <summary>
    /// Each live segment also gets a CMAF twin under its rendition's CENC key, for DASH players (and the recording's
    /// DASH); false: HLS only. Applies to sessions that start afterwards.
    /// </summary>
    public bool Dash { get; set; } = true;

    /// <summary>The longest one publisher connection may last.</summary>
    public double MaxLegHours { get; set; } = 24;
}
