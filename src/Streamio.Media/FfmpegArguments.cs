using System.Globalization;
using System.Text;

namespace Streamio.Media;

/// <summary>
/// FFmpeg and ffprobe command lines as argument lists: small pure functions, so every flag that matters (hardening,
/// timeline, keyframes, segmenting) is visible and unit-tested as a list.
/// </summary>
public static class FfmpegArguments
{
    /// <summary>x264 never places a keyframe on its own: every keyframe is one we force on a segment boundary.</summary>
    public const string NoNaturalKeyframes = "1000000";

    /// <summary>Encoder clock: 90 kHz is MPEG-TS's own, so forced keyframe times are not rounded to a frame early.</summary>
    public const string EncoderTimeBase = "1:90000";

    /// <summary>The HLS muxer's cumulative split clock; kept below any real boundary so it splits on every keyframe.</summary>
    public static double MuxerSplitSeconds(double segmentSeconds) => Math.Min(0.1, segmentSeconds / 4);

    /// <summary>What FFmpeg opens: a local file gets an explicit "file:" so no name can pass for an option or a protocol.</summary>
    public static string InputLocation(MediaInput input)
    {
        var isLocal = input.Protocols.Count == 1 && input.Protocols[0] == "file";
        if (!isLocal || input.Location.StartsWith("file:", StringComparison.Ordinal))
        {
            return input.Location;
        }

        return "file:" + Path.GetFullPath(input.Location);
    }

    /// <summary>Input options that fence a hostile source in: protocols, demuxers, probe budget, stream count.</summary>
    public static IReadOnlyList<string> InputHardening(MediaInput input, FfmpegOptions options)
    {
        if (input.Protocols.Count == 0)
        {
            throw new ArgumentException("A media input needs at least one allowed protocol.", nameof(input));
        }

        List<string> args =
        [
            "-protocol_whitelist", string.Join(',', input.Protocols),
            "-format_whitelist", input.Formats ?? options.AllowedFormats,
            "-probesize", Invariant(options.ProbeSizeBytes),
            "-analyzeduration", Invariant((long)(options.AnalyzeDurationSeconds * 1_000_000)),
            "-max_streams", Invariant(options.MaxStreams),
        ];
        if (input.Protocols.Any(p => p != "file"))
        {
            // A stalled network read fails the task instead of hanging until the task timeout.
            args.AddRange(["-rw_timeout", Invariant((long)options.ProbeTimeout.TotalMicroseconds)]);
        }

        return args;
    }

    /// <summary>ffprobe: JSON description of format and streams.</summary>
    public static IReadOnlyList<string> Probe(MediaInput input, FfmpegOptions options) =>
    [
        "-hide_banner", "-v", "error",
        "-print_format", "json", "-show_format", "-show_streams",
        .. InputHardening(input, options),
        "-i", InputLocation(input),
    ];

    /// <summary>
    /// One chunk, every rung, one decode. The timeline is the source's (<c>-copyts -start_at_zero</c>), so chunks join
    /// exactly; <c>trim</c> cuts at the first frame at or after each end, the same rule the forced keyframes follow.
    /// </summary>
    public static IReadOnlyList<string> Chunk(ChunkEncodeJob job, FfmpegOptions options)
    {
        ValidateChunk(job);
        List<string> args =
        [
            .. Common(progress: true),
            "-copyts", "-start_at_zero",
            .. InputHardening(job.Input, options),
            "-max_pixels", Invariant((long)options.MaxWidth * options.MaxHeight),
            // Before -i: a fast seek to the keyframe before Start, then decoded frames before Start are dropped.
            "-ss", Seconds(job.StartSeconds),
            // Only bounds the read; the exact end is the trim in the graph.
            "-t", Seconds(job.DurationSeconds + 1),
            "-i", InputLocation(job.Input),
            "-filter_complex", ChunkFilterGraph(job),
        ];
        var keyframes = ForceKeyFrames(job.StartSeconds, job.DurationSeconds, job.SegmentSeconds);
        for (var i = 0; i < job.Outputs.Count; i++)
        {
            var rung = job.Outputs[i];
            args.AddRange(
            [
                "-map", $"[v{i}]", "-an", "-sn", "-dn",
                "-c:v", "libx264", "-preset", options.Preset,
                "-profile:v", "high", "-level:v", H264Level(rung.Height),
                "-b:v", Kbps(rung.VideoKbps), "-maxrate", Kbps(rung.VideoKbps), "-bufsize", Kbps(rung.VideoKbps * 2),
                "-g", NoNaturalKeyframes, "-sc_threshold", "0", "-forced-idr", "1",
                "-force_key_frames", keyframes,
                "-enc_time_base", EncoderTimeBase,
                "-fps_mode", "vfr",
                .. HlsOutput(job.WorkDirectory, rung.Name, job.FirstSegmentIndex, MuxerSplitSeconds(job.SegmentSeconds),
                    ChunkPlaylistPath(job.WorkDirectory, rung.Name, job.FirstSegmentIndex)),
            ]);
        }

        // HLS outputs report no out_time in FFmpeg 5.1; a null sink of the same frames does, for progress.
        args.AddRange(["-map", "[progress]", "-f", "null", "-"]);
        return args;
    }

    /// <summary>The chunk graph: trim to [Start, End), split once per rung (plus the progress sink), scale each.</summary>
    public static string ChunkFilterGraph(ChunkEncodeJob job)
    {
        var end = job.StartSeconds + job.DurationSeconds;
        var graph = new StringBuilder();
        graph.Append(CultureInfo.InvariantCulture, $"[0:V:0]trim=start={Seconds(job.StartSeconds)}:end={Seconds(end)},split={job.Outputs.Count + 1}");
        for (var i = 0; i < job.Outputs.Count; i++)
        {
            graph.Append(CultureInfo.InvariantCulture, $"[s{i}]");
        }

        graph.Append("[progress]");
        for (var i = 0; i < job.Outputs.Count; i++)
        {
            var rung = job.Outputs[i];
            graph.Append(CultureInfo.InvariantCulture, $";[s{i}]scale={rung.Width}:{rung.Height},setsar=1,format=yuv420p[v{i}]");
        }

        return graph.ToString();
    }

    /// <summary>Every segment boundary of the chunk, in source time: "Start,Start+S,...".</summary>
    public static string ForceKeyFrames(double startSeconds, double durationSeconds, double segmentSeconds)
    {
        var count = SegmentCount(durationSeconds, segmentSeconds);
        return string.Join(',', Enumerable.Range(0, count).Select(k => Seconds(startSeconds + k * segmentSeconds)));
    }

    /// <summary>Segments in a span: whole ones, plus a short last one if the span does not divide evenly.</summary>
    public static int SegmentCount(double durationSeconds, double segmentSeconds) =>
        Math.Max(1, (int)Math.Ceiling(durationSeconds / segmentSeconds - 1e-6));

    /// <summary>
    /// The audio rendition, whole file, same timeline as the video chunks. aresample keeps it continuous (gaps in the
    /// source are filled) and starting at zero like the video.
    /// </summary>
    public static IReadOnlyList<string> Audio(AudioEncodeJob job, FfmpegOptions options)
    {
        ValidateWorkDirectory(job.WorkDirectory);
        return
        [
            .. Common(progress: true),
            "-copyts", "-start_at_zero",
            .. InputHardening(job.Input, options),
            "-i", InputLocation(job.Input),
            "-map", "0:a:0", "-vn", "-sn", "-dn",
            "-af", "aresample=48000:async=1:first_pts=0",
            "-c:a", "aac", "-b:a", Kbps(job.BitrateKbps), "-ac", "2", "-ar", "48000",
            .. HlsOutput(job.WorkDirectory, AudioRendition, 0, job.SegmentSeconds, AudioPlaylistPath(job.WorkDirectory)),
            "-map", "0:a:0", "-vn", "-sn", "-dn", "-c:a", "pcm_s16le", "-f", "null", "-",
        ];
    }

    /// <summary>One JPEG of the frame at <paramref name="atSeconds"/>, <paramref name="height"/> high, display aspect kept.</summary>
    public static IReadOnlyList<string> Poster(MediaInput input, double atSeconds, int height, string outputPath, FfmpegOptions options) =>
    [
        .. Common(progress: false),
        .. InputHardening(input, options),
        "-ss", Seconds(atSeconds),
        "-i", InputLocation(input),
        "-map", "0:V:0", "-an", "-sn", "-dn",
        "-vf", $"scale=trunc(dar*{Invariant(height)}/2)*2:{Invariant(height)},setsar=1",
        "-frames:v", "1", "-q:v", "3",
        "-f", "image2", "-update", "1", Path.GetFullPath(outputPath),
    ];

    /// <summary>One JPEG sprite: a tile every spec.IntervalSeconds, letterboxed into the tile size (even: 4:2:0 JPEG).</summary>
    public static IReadOnlyList<string> Storyboard(MediaInput input, StoryboardSpec spec, int rows, string spritePath, FfmpegOptions options)
    {
        var (w, h) = (Invariant(spec.TileWidth), Invariant(spec.TileHeight));
        return
        [
            .. Common(progress: false),
            .. InputHardening(input, options),
            "-i", InputLocation(input),
            "-map", "0:V:0", "-an", "-sn", "-dn",
            "-vf", $"fps=1/{Seconds(spec.IntervalSeconds)},scale={w}:{h}:force_original_aspect_ratio=decrease:force_divisible_by=2,"
                + $"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2,setsar=1,tile={Invariant(spec.Columns)}x{Invariant(rows)}",
            "-frames:v", "1", "-q:v", "4",
            "-f", "image2", "-update", "1", Path.GetFullPath(spritePath),
        ];
    }

    public const string AudioRendition = "audio";

    /// <summary>FFmpeg's own playlist for one chunk of one rung: the segment watcher's source of truth.</summary>
    public static string ChunkPlaylistPath(string workDirectory, string rendition, int firstSegmentIndex) =>
        Path.Combine(Path.GetFullPath(workDirectory), rendition, $"chunk-{firstSegmentIndex.ToString(CultureInfo.InvariantCulture)}.m3u8");

    public static string AudioPlaylistPath(string workDirectory) =>
        Path.Combine(Path.GetFullPath(workDirectory), AudioRendition, "index.m3u8");

    /// <summary>H.264 level: 4.0 covers up to 1080p, 5.1 the larger rungs.</summary>
    public static string H264Level(int height) => height > 1080 ? "5.1" : "4.0";

    private static IReadOnlyList<string> HlsOutput(string workDirectory, string rendition, int startNumber, double hlsTime, string playlistPath) =>
    [
        // avoid_negative_ts stays off in both muxers: shifting the first chunk's B-frame delay would make it overlap the next.
        "-avoid_negative_ts", "disabled",
        "-f", "hls",
        "-hls_time", Seconds(hlsTime),
        "-hls_list_size", "0",
        // EVENT, not VOD: FFmpeg 5.1 rewrites a VOD playlist only at the end, and the watcher needs it per segment.
        "-hls_playlist_type", "event",
        "-hls_segment_type", "mpegts",
        "-hls_flags", "temp_file",
        "-hls_ts_options", "avoid_negative_ts=disabled",
        "-start_number", Invariant(startNumber),
        "-hls_segment_filename", Path.Combine(Path.GetFullPath(workDirectory), rendition, "%d.ts"),
        playlistPath,
    ];

    private static IReadOnlyList<string> Common(bool progress) =>
        progress
            ? ["-hide_banner", "-nostats", "-progress", "pipe:1", "-y"]
            : ["-hide_banner", "-nostats", "-y"];

    private static void ValidateChunk(ChunkEncodeJob job)
    {
        ValidateWorkDirectory(job.WorkDirectory);
        if (job.Outputs.Count == 0)
        {
            throw new ArgumentException("A chunk needs at least one rung.", nameof(job));
        }

        if (job.StartSeconds < 0 || job.DurationSeconds <= 0 || job.SegmentSeconds <= 0 || job.FirstSegmentIndex < 0)
        {
            throw new ArgumentException($"Invalid chunk timing: start {job.StartSeconds}, duration {job.DurationSeconds}, segment {job.SegmentSeconds}, first {job.FirstSegmentIndex}.", nameof(job));
        }

        if (job.Outputs.Select(r => r.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count() != job.Outputs.Count)
        {
            throw new ArgumentException("Rung names must be unique: each one is a directory.", nameof(job));
        }

        foreach (var rung in job.Outputs)
        {
            ValidateRendition(rung.Name);
            if (rung.Width <= 0 || rung.Height <= 0 || rung.Width % 2 != 0 || rung.Height % 2 != 0 || rung.VideoKbps <= 0)
            {
                throw new ArgumentException($"Rung {rung.Name} needs positive even dimensions and bitrate.", nameof(job));
            }
        }
    }

    /// <summary>Rendition names become directory names: letters, digits, '-' and '_' only.</summary>
    public static void ValidateRendition(string name)
    {
        if (name.Length == 0 || name.Length > 32 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException($"Invalid rendition name '{name}'.", nameof(name));
        }
    }

    private static void ValidateWorkDirectory(string workDirectory)
    {
        // The HLS muxer expands '%' in segment paths.
        if (string.IsNullOrWhiteSpace(workDirectory) || workDirectory.Contains('%'))
        {
            throw new ArgumentException($"Invalid work directory '{workDirectory}'.", nameof(workDirectory));
        }
    }

    /// <summary>Seconds with microsecond precision, invariant, no exponent: "4", "12.5", "0.033367".</summary>
    public static string Seconds(double seconds) => Math.Round(seconds, 6).ToString("0.######", CultureInfo.InvariantCulture);

    private static string Kbps(int kbps) => Invariant(kbps) + "k";

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
