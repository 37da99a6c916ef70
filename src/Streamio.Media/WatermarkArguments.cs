using System.Globalization;

namespace Streamio.Media;

/// <summary>
/// One watermark session's FFmpeg run: an MPEG-TS rendition read from <see cref="InputPath"/> (a FIFO Streamio feeds
/// with decrypted segments), the text of <see cref="TextFile"/> drawn on every frame, re-encoded at the rendition's size
/// and bitrate into HLS segments in <see cref="WorkDirectory"/>, a keyframe every <see cref="SegmentSeconds"/>.
/// </summary>
public sealed record WatermarkEncodeJob(
    string InputPath,
    string TextFile,
    string FontFile,
    WatermarkPosition Position,
    double Opacity,
    int FontSize,
    int VideoKbps,
    int Height,
    double SegmentSeconds,
    string WorkDirectory);

/// <summary>The watermark run's command line and its drawtext filter, as pure functions.</summary>
public static class WatermarkArguments
{
    /// <summary>Seconds of the input FFmpeg reads to learn its streams: the input is Streamio's own H.264 TS.</summary>
    public const long AnalyzeMicroseconds = 1_000_000;

    public const long ProbeBytes = 2_000_000;

    /// <summary>The folder (under the work directory) FFmpeg writes the segments "0.ts", "1.ts"… and its playlist into.</summary>
    public static string SegmentDirectory(string workDirectory) => Path.Combine(Path.GetFullPath(workDirectory), Output);

    public static string PlaylistPath(string workDirectory) => Path.Combine(SegmentDirectory(workDirectory), "index.m3u8");

    private const string Output = "video";

    public static IReadOnlyList<string> Encode(WatermarkEncodeJob job, string preset)
    {
        Validate(job);
        var kbps = job.VideoKbps.ToString(CultureInfo.InvariantCulture) + "k";
        var bufsize = (job.VideoKbps * 2).ToString(CultureInfo.InvariantCulture) + "k";
        return
        [
            "-hide_banner", "-nostats", "-y",
            // The rendition's own timeline, so the segments line up with the untouched audio rendition.
            "-copyts",
            "-protocol_whitelist", "file",
            "-format_whitelist", "mpegts",
            "-probesize", ProbeBytes.ToString(CultureInfo.InvariantCulture),
            "-analyzeduration", AnalyzeMicroseconds.ToString(CultureInfo.InvariantCulture),
            "-max_streams", "4",
            "-f", "mpegts",
            "-i", "file:" + Path.GetFullPath(job.InputPath),
            "-map", "0:V:0", "-an", "-sn", "-dn",
            "-vf", DrawText(job),
            "-c:v", "libx264", "-preset", preset,
            "-profile:v", "high", "-level:v", FfmpegArguments.H264Level(job.Height),
            "-b:v", kbps, "-maxrate", kbps, "-bufsize", bufsize,
            "-g", FfmpegArguments.NoNaturalKeyframes, "-sc_threshold", "0", "-forced-idr", "1",
            "-force_key_frames", KeyFrames(job.SegmentSeconds),
            "-enc_time_base", FfmpegArguments.EncoderTimeBase,
            "-fps_mode", "passthrough",
            .. FfmpegArguments.HlsOutput(job.WorkDirectory, Output, 0, FfmpegArguments.MuxerSplitSeconds(job.SegmentSeconds), PlaylistPath(job.WorkDirectory)),
        ];
    }

    /// <summary>
    /// A keyframe on the first frame, the next half a segment later (a short first segment is ready sooner, and the
    /// player starts on it), then one every segment. Measured from the previous keyframe, so any start time works.
    /// </summary>
    public static string KeyFrames(double segmentSeconds) =>
        $"expr:if(isnan(prev_forced_t),1,gte(t-prev_forced_t+{FfmpegArguments.Seconds(FfmpegArguments.TimeTolerance)},if(eq(n_forced,1),{FfmpegArguments.Seconds(segmentSeconds / 2)},{FfmpegArguments.Seconds(segmentSeconds)})))";

    /// <summary>
    /// drawtext with the text from a file and expansion off: nothing the viewer typed is ever parsed as filter syntax or
    /// as a <c>%{…}</c> expansion. White with a black outline at the requested opacity, so it reads on any picture.
    /// </summary>
    public static string DrawText(WatermarkEncodeJob job)
    {
        var alpha = FfmpegArguments.Seconds(job.Opacity);
        var (x, y) = Placement(job.Position, job.FontSize);
        return "drawtext="
            + $"fontfile={FilterValue(Path.GetFullPath(job.FontFile))}"
            + $":textfile={FilterValue(Path.GetFullPath(job.TextFile))}"
            + ":expansion=none"
            + $":fontsize={job.FontSize.ToString(CultureInfo.InvariantCulture)}"
            + $":fontcolor=white@{alpha}:borderw=2:bordercolor=black@{alpha}"
            + $":x='{x}':y='{y}',format=yuv420p";
    }

    /// <summary>
    /// x and y expressions (w, h: the frame; tw, th: the text; t: seconds). Corners keep a margin of half the font size,
    /// at least 8 pixels. Moving bounces
    /// between the margins on both axes at unrelated periods (17 s across, 11 s down), so it visits the whole frame
    /// and a fixed crop or blur box cannot keep it out; <c>max(0,…)</c> keeps an over-wide text pinned, not off-frame.
    /// </summary>
    public static (string X, string Y) Placement(WatermarkPosition position, int fontSize)
    {
        var margin = Math.Max(8, fontSize / 2).ToString(CultureInfo.InvariantCulture);
        var left = margin;
        var right = $"w-tw-{margin}";
        var top = margin;
        var bottom = $"h-th-{margin}";
        return position switch
        {
            WatermarkPosition.TopLeft => (left, top),
            WatermarkPosition.TopRight => (right, top),
            WatermarkPosition.BottomLeft => (left, bottom),
            WatermarkPosition.BottomRight => (right, bottom),
            WatermarkPosition.Moving => (Bounce("w-tw", 17), Bounce("h-th", 11)),
            _ => throw new ArgumentOutOfRangeException(nameof(position), position, "Unknown watermark position."),
        };

        string Bounce(string room, int periodSeconds) =>
            $"{margin}+max(0,{room}-2*{margin})*abs(mod(t/{periodSeconds.ToString(CultureInfo.InvariantCulture)},2)-1)";
    }

    /// <summary>
    /// A path as one filter option value, quoted; the characters that would still act after the graph parser strips the
    /// quotes (the option separator ':', escapes) are refused outright (Streamio chooses these paths; anything odd in them is a configuration error).
    /// </summary>
    public static string FilterValue(string path)
    {
        if (path.IndexOfAny(['\'', '\\', ':', '\n', '\r', '[', ']', ',', ';']) >= 0)
        {
            throw new ArgumentException($"The path '{path}' contains a character FFmpeg filter options cannot carry (quotes, backslashes, colons, brackets, commas, semicolons).", nameof(path));
        }
        return $"'{path}'";
    }

    private static void Validate(WatermarkEncodeJob job)
    {
        if (job.WorkDirectory.Contains('%') || string.IsNullOrWhiteSpace(job.WorkDirectory))
        {
            throw new ArgumentException($"Invalid work directory '{job.WorkDirectory}'.", nameof(job));
        }
        if (!WatermarkText.ValidOpacity(job.Opacity) || !WatermarkText.ValidFontSize(job.FontSize) || job.VideoKbps <= 0 || job.Height <= 0
            || !(job.SegmentSeconds > 0) || double.IsInfinity(job.SegmentSeconds))
        {
            throw new ArgumentException($"Invalid watermark job: {job}.", nameof(job));
        }
    }
}
