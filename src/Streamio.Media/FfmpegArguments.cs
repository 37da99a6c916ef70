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

    /// <summary>Times this close count as one: every time on a command line is written to the microsecond.</summary>
    public const double TimeTolerance = 1e-6;

    private const string TimeToleranceText = "0.000001";

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
    /// <summary>
    /// A growing source's stream analysis stops early: containers without a header listing their streams (MPEG-TS) would
    /// otherwise wait for seconds of media the uploader has not sent yet.
    /// </summary>
    private const double GrowingAnalyzeSeconds = 2;

    private const long GrowingProbeBytes = 5_000_000;

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
            "-probesize", Invariant(input.Growing ? Math.Min(options.ProbeSizeBytes, GrowingProbeBytes) : options.ProbeSizeBytes),
            "-analyzeduration", Invariant((long)(Math.Min(options.AnalyzeDurationSeconds, input.Growing ? GrowingAnalyzeSeconds : double.MaxValue) * 1_000_000)),
            "-max_streams", Invariant(options.MaxStreams),
        ];
        if (input.Protocols.Any(p => p != "file"))
        {
            // A stalled network read fails the task instead of hanging until the task timeout.
            args.AddRange(["-rw_timeout", Invariant((long)(input.Growing ? options.GrowingReadTimeout : options.ProbeTimeout).TotalMicroseconds)]);
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
    /// The video's keyframes, listed without decoding: only keyframe packets are read (<c>-discard nokey</c>; an indexed
    /// container such as MP4 skips the other samples unread) and copied, on the chunks' timeline, into a framecrc
    /// listing at <paramref name="listingPath"/> (<see cref="KeyframeIndex.Parse"/>).
    /// </summary>
    public static IReadOnlyList<string> Keyframes(MediaInput input, FfmpegOptions options, string listingPath) =>
    [
        .. Common(progress: false),
        "-copyts", "-start_at_zero",
        .. InputHardening(input, options),
        "-discard", "nokey",
        "-i", InputLocation(input),
        "-map", "0:V:0", "-c", "copy",
        "-f", "framecrc", "file:" + Path.GetFullPath(listingPath),
    ];

    /// <summary>
    /// One chunk, every rung, one decode. The timeline is the source's (<c>-copyts -start_at_zero</c>), so chunks join
    /// exactly; <c>trim</c> cuts at the first frame at or after each end, the same rule the forced keyframes follow.
    /// The job's images are more outputs of the same decode. With <paramref name="progress"/> FFmpeg writes
    /// <c>-progress</c> reports to stdout (fed by a null sink); without it, neither exists.
    /// </summary>
    public static IReadOnlyList<string> Chunk(ChunkEncodeJob job, FfmpegOptions options, bool progress)
    {
        ValidateChunk(job);
        List<string> args =
        [
            .. Common(progress),
            "-copyts", "-start_at_zero",
            .. InputHardening(job.Input, options),
            "-max_pixels", Invariant((long)options.MaxWidth * options.MaxHeight),
            // Before -i: a fast seek to the keyframe before Start, then decoded frames before Start are dropped. A growing
            // source cannot seek and is read from 0, where a failed seek would drop every frame (FFmpeg 5.1, Matroska).
            .. (job.Input.Growing && job.StartSeconds == 0 ? (string[])[] : ["-ss", Seconds(job.StartSeconds)]),
            // Only bounds the read; the exact end is the trim in the graph.
            "-t", Seconds(job.DurationSeconds + 1),
            "-i", InputLocation(job.Input),
            .. LogoInput(job.Logo),
            .. MarkPatternInputs(job, options),
            "-filter_complex", ChunkFilterGraph(job, progress),
        ];
        var keyframes = ForceKeyFrames(job.StartSeconds, job.DurationSeconds, job.SegmentSeconds, job.FirstSegmentSeconds);
        for (var i = 0; i < job.Outputs.Count; i++)
        {
            var rung = job.Outputs[i];
            args.AddRange(
            [
                "-map", $"[v{i}]", "-an", "-sn", "-dn",
                "-c:v", "libx264", "-preset", options.Preset,
                .. (job.EncoderThreads is { } threads ? (string[])["-threads", Invariant(threads)] : []),
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

        if (job.Images is { } images)
        {
            var (_, tileCount) = ChunkTileIndexes(job);
            if (tileCount > 0)
            {
                // Passthrough keeps each tile's pts, which the graph set to its index k: -frame_pts names the file by it.
                var (num, den) = TimeBase(images.TileIntervalSeconds);
                args.AddRange(
                [
                    "-map", "[tiles]", "-an", "-sn", "-dn",
                    "-fps_mode", "passthrough", "-enc_time_base", $"{Invariant(num)}:{Invariant(den)}",
                    "-c:v", "mjpeg", "-q:v", "2",
                    "-f", "image2", "-frame_pts", "1", TilePattern(job.WorkDirectory),
                ]);
            }

            if (ChunkHoldsPoster(job))
            {
                args.AddRange(
                [
                    "-map", "[poster]", "-an", "-sn", "-dn",
                    "-fps_mode", "passthrough", "-frames:v", "1",
                    "-c:v", "mjpeg", "-q:v", "3",
                    "-f", "image2", "-update", "1", ChunkPosterPath(job.WorkDirectory),
                ]);
            }
        }

        if (progress)
        {
            // HLS outputs report no out_time in FFmpeg 5.1; a null sink of the same frames does, for progress.
            args.AddRange(["-map", "[progress]", "-f", "null", "-"]);
        }

        return args;
    }

    /// <summary>
    /// The chunk graph: trim to [Start, End), split once per rung (plus the progress sink), scale each. Images split off
    /// before the trim: the frame at or after a tile time just before End may be the first one past End.
    /// </summary>
    public static string ChunkFilterGraph(ChunkEncodeJob job, bool progress)
    {
        var end = job.StartSeconds + job.DurationSeconds;
        var (firstTile, tileCount) = ChunkTileIndexes(job);
        var poster = ChunkHoldsPoster(job);
        var graph = new StringBuilder();
        var imageBranches = (tileCount > 0 ? 1 : 0) + (poster ? 1 : 0);
        if (imageBranches > 0)
        {
            graph.Append(CultureInfo.InvariantCulture, $"[0:V:0]split={imageBranches + 1}[chunk]");
            graph.Append(tileCount > 0 ? "[tilesrc]" : string.Empty).Append(poster ? "[postersrc]" : string.Empty).Append(";[chunk]");
        }
        else
        {
            graph.Append("[0:V:0]");
        }

        graph.Append(CultureInfo.InvariantCulture, $"trim=start={Seconds(job.StartSeconds)}:end={Seconds(end)},split={job.Outputs.Count + (progress ? 1 : 0)}");
        for (var i = 0; i < job.Outputs.Count; i++)
        {
            graph.Append(CultureInfo.InvariantCulture, $"[s{i}]");
        }

        if (progress)
        {
            graph.Append("[progress]");
        }

        if (job.Logo is { } drawn)
        {
            // Input 1 is one PNG frame: the overlay keeps drawing it after its end (eof_action=repeat).
            graph.Append(CultureInfo.InvariantCulture, $";[1:v:0]format=rgba,colorchannelmixer=aa={Invariant(drawn.Opacity)},split={job.Outputs.Count}");
            for (var i = 0; i < job.Outputs.Count; i++)
            {
                graph.Append(CultureInfo.InvariantCulture, $"[logo{i}]");
            }
        }

        // Forensic patterns are the inputs after the source and the logo.
        var patternInput = job.Logo is null ? 1 : 2;
        for (var i = 0; i < job.Outputs.Count; i++)
        {
            var rung = job.Outputs[i];
            if (job.Logo is { } logo)
            {
                ThrowIfWidthUnknown(rung, "a logo");
                graph.Append(CultureInfo.InvariantCulture, $";[logo{i}]scale={logo.WidthOn(rung.Width)}:-2[logo{i}s]");
                graph.Append(CultureInfo.InvariantCulture, $";[s{i}]scale={rung.Width}:{rung.Height},setsar=1[base{i}]");
                graph.Append(CultureInfo.InvariantCulture,
                    $";[base{i}][logo{i}s]overlay={logo.OverlayPosition(rung.Height)}:eof_action=repeat,format=yuv420p");
            }
            else
            {
                graph.Append(CultureInfo.InvariantCulture, $";[s{i}]scale={ScaleWidth(rung)}:{rung.Height},setsar=1,format=yuv420p");
            }

            if (rung.MarkPatternPath is not null)
            {
                ThrowIfWidthUnknown(rung, "a forensic mark");
                // grainmerge is A + B − 128 per plane: the pattern's luma moves the brightness, its flat chroma nothing.
                graph.Append(CultureInfo.InvariantCulture, $"[m{i}];[m{i}][{patternInput++}:v]blend=all_mode=grainmerge");
            }

            graph.Append(CultureInfo.InvariantCulture, $"[v{i}]");
        }

        if (job.Images is { } images && tileCount > 0)
        {
            var last = firstTile + tileCount - 1;
            var (num, den) = TimeBase(images.TileIntervalSeconds);
            // Tile k leaves with pts k (time base: the interval). The frame after the last tile's leaves with pts last + 1,
            // which the trim drops, ending the branch: FFmpeg stops decoding as soon as the rungs are done too.
            graph.Append(CultureInfo.InvariantCulture, $";[tilesrc]select='{TileSelectExpression(firstTile, last, images.TileIntervalSeconds)}',");
            graph.Append(CultureInfo.InvariantCulture, $"setpts='{TilePtsExpression(last, images.TileIntervalSeconds)}',settb={num}/{den},trim=end_pts={last + 1},");
            graph.Append(LetterboxTile(images.TileWidth, images.TileHeight)).Append("[tiles]");
        }

        if (job.Images is { PosterAtSeconds: { } at } posterImage && poster)
        {
            // Every frame from the poster time on; the first is the poster, the second ends the branch.
            graph.Append(CultureInfo.InvariantCulture, $";[postersrc]select='{PosterSelectExpression(at)}',trim=end_frame=1,");
            graph.Append(PosterScale(posterImage.PosterHeight)).Append("[poster]");
        }

        return graph.ToString();
    }

    /// <summary>
    /// One input per forensic copy, after the source (so input k + 1 is the k-th marked rung's): a single raw frame. The
    /// blend repeats it for every frame of the chunk, whatever their timestamps.
    /// </summary>
    private static IEnumerable<string> MarkPatternInputs(ChunkEncodeJob job, FfmpegOptions options) =>
        job.Outputs.Where(rung => rung.MarkPatternPath is not null).SelectMany(rung => (IEnumerable<string>)
        [
            .. InputHardening(new MediaInput(rung.MarkPatternPath!, ["file"], "rawvideo"), options),
            "-f", "rawvideo", "-pix_fmt", "yuv420p", "-video_size", $"{Invariant(rung.Width)}x{Invariant(rung.Height)}",
            "-i", InputLocation(MediaInput.LocalFile(rung.MarkPatternPath!)),
        ]);

    /// <summary>
    /// The storyboard tiles of a span of the whole timeline: every k with k * interval in [start, start + duration).
    /// Adjacent spans split the indexes between them with none shared and none missed.
    /// </summary>
    public static (int First, int Count) TileIndexes(double startSeconds, double durationSeconds, double intervalSeconds)
    {
        var interval = Math.Round(intervalSeconds, 6);
        var first = Math.Max(0, (int)Math.Ceiling((startSeconds - TimeTolerance) / interval));
        var end = Math.Max(0, (int)Math.Ceiling((startSeconds + durationSeconds - TimeTolerance) / interval));
        return (first, Math.Max(0, end - first));
    }

    /// <summary>Whether <paramref name="atSeconds"/> falls in [start, start + duration), by the tiles' rule.</summary>
    public static bool SpanHolds(double startSeconds, double durationSeconds, double atSeconds) =>
        atSeconds >= startSeconds - TimeTolerance && atSeconds < startSeconds + durationSeconds - TimeTolerance;

    /// <summary>The tiles a chunk makes (none without images).</summary>
    public static (int First, int Count) ChunkTileIndexes(ChunkEncodeJob job) =>
        job.Images is { } images ? TileIndexes(job.StartSeconds, job.DurationSeconds, images.TileIntervalSeconds) : (0, 0);

    /// <summary>Whether a chunk makes the poster.</summary>
    public static bool ChunkHoldsPoster(ChunkEncodeJob job) =>
        job.Images is { PosterAtSeconds: { } at } && SpanHolds(job.StartSeconds, job.DurationSeconds, at);

    /// <summary>
    /// <c>select</c>: a frame is tile k's when it is the first at or after k * interval, that is, when k * interval lies in
    /// (previous frame, this frame]. One frame may be the answer for several k (a gap in a variable frame rate); it is
    /// selected once. The first frame the chunk sees covers everything from <paramref name="first"/> up to itself. Every
    /// frame after the one for <paramref name="last"/> is selected too: the first of them ends the branch.
    /// </summary>
    public static string TileSelectExpression(int first, int last, double intervalSeconds)
    {
        var (i, k0, k1) = (Seconds(intervalSeconds), Invariant(first), Invariant(last));
        // ld(0): the first tile this frame may answer (one past the last the previous frame answered).
        return $"st(0,if(isnan(prev_t),{k0},floor((prev_t+{TimeToleranceText})/{i})+1));"
            + $"lte(max({k0},ld(0)),min({k1},floor((t+{TimeToleranceText})/{i})))+gt(ld(0),{k1})";
    }

    /// <summary>
    /// <c>setpts</c> for a selected frame: the last tile index it answers, as a time (rounded to the frame's time base),
    /// or <paramref name="last"/> + 1 once the last tile has gone out. A following <c>settb</c> to the interval makes
    /// the pts that index exactly.
    /// </summary>
    public static string TilePtsExpression(int last, double intervalSeconds)
    {
        var (i, k1, after) = (Seconds(intervalSeconds), Invariant(last), Invariant(last + 1L));
        return $"if(gte(PREV_OUTPTS,round({k1}*{i}/TB)),round({after}*{i}/TB),round(min({k1},floor((T+{TimeToleranceText})/{i}))*{i}/TB))";
    }

    /// <summary><c>select</c>: every frame at or after <paramref name="atSeconds"/>; the first of them is the poster.</summary>
    public static string PosterSelectExpression(double atSeconds) => $"gte(t+{TimeToleranceText},{Seconds(atSeconds)})";

    /// <summary>A positive time as an exact fraction of microseconds, reduced: 2 is 2/1, 1.5 is 3/2, 0.1 is 1/10.</summary>
    public static (long Numerator, long Denominator) TimeBase(double seconds)
    {
        var micros = (long)Math.Round(seconds * 1_000_000);
        if (micros <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "A time base must be at least a microsecond.");
        }

        var gcd = (long)System.Numerics.BigInteger.GreatestCommonDivisor(micros, 1_000_000);
        return (micros / gcd, 1_000_000 / gcd);
    }

    /// <summary>Where a chunk's storyboard tile k lands (outside every rung directory: rung names have no '.').</summary>
    public static string TilePath(string workDirectory, int index) =>
        Path.Combine(Path.GetFullPath(workDirectory), $"tile-{Invariant(index)}.jpg");

    /// <summary>Where the chunk holding the poster time writes it.</summary>
    public static string ChunkPosterPath(string workDirectory) => Path.Combine(Path.GetFullPath(workDirectory), "poster.jpg");

    private static string TilePattern(string workDirectory) => Path.Combine(Path.GetFullPath(workDirectory), "tile-%d.jpg");

    private static string LetterboxTile(int width, int height)
    {
        var (w, h) = (Invariant(width), Invariant(height));
        return $"scale={w}:{h}:force_original_aspect_ratio=decrease:force_divisible_by=2,pad={w}:{h}:(ow-iw)/2:(oh-ih)/2,setsar=1";
    }

    private static string PosterScale(int height) => $"scale=trunc(dar*{Invariant(height)}/2)*2:{Invariant(height)},setsar=1";

    /// <summary>
    /// Every segment boundary of the chunk, in source time: "Start,Start+S,...". A chunk that starts the timeline may have
    /// a shorter first segment (<paramref name="firstSegmentSeconds"/>, 0 for a whole one): "0,F,F+S,...".
    /// </summary>
    public static string ForceKeyFrames(double startSeconds, double durationSeconds, double segmentSeconds, double firstSegmentSeconds = 0)
    {
        var first = startSeconds == 0 && firstSegmentSeconds > 0 && firstSegmentSeconds < segmentSeconds ? firstSegmentSeconds : segmentSeconds;
        if (durationSeconds - first <= 1e-6)
        {
            return Seconds(startSeconds);
        }
        var rest = SegmentCount(durationSeconds - first, segmentSeconds);
        return string.Join(',', Enumerable.Range(0, rest).Select(k => Seconds(startSeconds + first + k * segmentSeconds)).Prepend(Seconds(startSeconds)));
    }

    /// <summary>Segments in a span: whole ones, plus a short last one if the span does not divide evenly.</summary>
    public static int SegmentCount(double durationSeconds, double segmentSeconds) =>
        Math.Max(1, (int)Math.Ceiling(durationSeconds / segmentSeconds - 1e-6));

    /// <summary>
    /// The audio rendition, whole file, same timeline as the video chunks. aresample keeps it continuous (gaps in the
    /// source are filled) and starting at zero like the video.
    /// </summary>
    public static IReadOnlyList<string> Audio(AudioEncodeJob job, FfmpegOptions options, bool progress)
    {
        ValidateWorkDirectory(job.WorkDirectory);
        List<string> args =
        [
            .. Common(progress),
            "-copyts", "-start_at_zero",
            .. InputHardening(job.Input, options),
            "-i", InputLocation(job.Input),
            "-map", "0:a:0", "-vn", "-sn", "-dn",
            "-af", "aresample=48000:async=1:first_pts=0",
            "-c:a", "aac", "-b:a", Kbps(job.BitrateKbps), "-ac", "2", "-ar", "48000",
            .. HlsOutput(job.WorkDirectory, AudioRendition, 0, job.SegmentSeconds, AudioPlaylistPath(job.WorkDirectory)),
        ];
        if (progress)
        {
            // The HLS muxer reports no out_time; the null sink does.
            args.AddRange(["-map", "0:a:0", "-vn", "-sn", "-dn", "-c:a", "pcm_s16le", "-f", "null", "-"]);
        }

        return args;
    }

    /// <summary>
    /// One JPEG of the frame at <paramref name="atSeconds"/>, <paramref name="height"/> high, display aspect kept. A
    /// source is seeked on input (fast); one of Streamio's own MPEG-TS renditions is decoded from its start instead, since
    /// the MPEG-TS demuxer seeks by bytes and can step past the only keyframe of a short recording (at most 10 s decoded).
    /// </summary>
    public static IReadOnlyList<string> Poster(MediaInput input, double atSeconds, int height, string outputPath, FfmpegOptions options) =>
    [
        .. Common(progress: false),
        .. InputHardening(input, options),
        .. input.Formats == "mpegts" ? Array.Empty<string>() : ["-ss", Seconds(atSeconds)],
        "-i", InputLocation(input),
        .. input.Formats == "mpegts" ? ["-ss", Seconds(atSeconds)] : Array.Empty<string>(),
        "-map", "0:V:0", "-an", "-sn", "-dn",
        "-vf", PosterScale(height),
        "-frames:v", "1", "-q:v", "3",
        "-f", "image2", "-update", "1", Path.GetFullPath(outputPath),
    ];

    /// <summary>One JPEG sprite: a tile every spec.IntervalSeconds, letterboxed into the tile size (even: 4:2:0 JPEG).</summary>
    public static IReadOnlyList<string> Storyboard(MediaInput input, StoryboardSpec spec, int rows, string spritePath, FfmpegOptions options) =>
    [
        .. Common(progress: false),
        .. InputHardening(input, options),
        "-i", InputLocation(input),
        "-map", "0:V:0", "-an", "-sn", "-dn",
        "-vf", $"fps=1/{Seconds(spec.IntervalSeconds)},{LetterboxTile(spec.TileWidth, spec.TileHeight)},tile={Invariant(spec.Columns)}x{Invariant(rows)}",
        "-frames:v", "1", "-q:v", "4",
        "-f", "image2", "-update", "1", Path.GetFullPath(spritePath),
    ];

    /// <summary>
    /// One JPEG sprite from ready tiles "0.jpg", "1.jpg"... in <paramref name="tileDirectory"/>: read as an image
    /// sequence (JPEG only), laid out <paramref name="columns"/> x <paramref name="rows"/>, an unfilled last row left black.
    /// </summary>
    public static IReadOnlyList<string> ComposeStoryboard(string tileDirectory, int columns, int rows, string spritePath, FfmpegOptions options)
    {
        // The image2 pattern expands '%': a literal one in the directory is written "%%".
        var pattern = Path.Combine(Path.GetFullPath(tileDirectory).Replace("%", "%%", StringComparison.Ordinal), "%d.jpg");
        var tiles = new MediaInput(pattern, ["file"], "image2");
        return
        [
            .. Common(progress: false),
            .. InputHardening(tiles, options),
            "-f", "image2", "-start_number", "0", "-c:v", "mjpeg",
            "-i", InputLocation(tiles),
            "-map", "0:v:0", "-an", "-sn", "-dn",
            "-vf", $"tile={Invariant(columns)}x{Invariant(rows)}",
            "-frames:v", "1", "-q:v", "4",
            "-f", "image2", "-update", "1", Path.GetFullPath(spritePath),
        ];
    }

    /// <summary>
    /// The detector's view of a video: raw 8-bit grayscale frames at a fixed rate and a small fixed size, after an
    /// optional crop (fractions of the picture, so it fits any resolution). Timestamps restart at zero, so frame k is at k / fps.
    /// </summary>
    public static IReadOnlyList<string> GrayFrames(MediaInput input, GraySampling sampling, string outputPath, FfmpegOptions options)
    {
        if (sampling.Fps <= 0 || sampling.Width <= 0 || sampling.Height <= 0)
        {
            throw new ArgumentException($"Invalid sampling {sampling}.", nameof(sampling));
        }

        var crop = sampling.Crop is { IsWhole: false } box
            ? $"crop=iw*{Fraction(box.Width)}:ih*{Fraction(box.Height)}:iw*{Fraction(box.X)}:ih*{Fraction(box.Y)},"
            : string.Empty;
        return
        [
            .. Common(progress: false),
            .. InputHardening(input, options),
            "-max_pixels", Invariant((long)options.MaxWidth * options.MaxHeight),
            "-i", InputLocation(input),
            "-map", "0:V:0", "-an", "-sn", "-dn",
            "-vf", $"setpts=PTS-STARTPTS,{crop}fps={Seconds(sampling.Fps)},scale={Invariant(sampling.Width)}:{Invariant(sampling.Height)}:flags=area,format=gray",
            "-f", "rawvideo", "-pix_fmt", "gray", Path.GetFullPath(outputPath),
        ];
    }

    private static string Fraction(double value) => Math.Clamp(value, 0, 1).ToString("0.0000", CultureInfo.InvariantCulture);

    public const string AudioRendition = "audio";

    /// <summary>FFmpeg's own playlist for one chunk of one rung: the segment watcher's source of truth.</summary>
    public static string ChunkPlaylistPath(string workDirectory, string rendition, int firstSegmentIndex) =>
        Path.Combine(Path.GetFullPath(workDirectory), rendition, $"chunk-{firstSegmentIndex.ToString(CultureInfo.InvariantCulture)}.m3u8");

    public static string AudioPlaylistPath(string workDirectory) =>
        Path.Combine(Path.GetFullPath(workDirectory), AudioRendition, "index.m3u8");

    /// <summary>H.264 level: 4.0 covers up to 1080p, 5.1 the larger rungs.</summary>
    /// <summary>
    /// The width of a rung at <paramref name="height"/> for a source of the given size: its aspect, rounded to the nearest
    /// even number (halves away from zero), at least 2. <see cref="SourceAspectWidthExpression"/> is the same sum in
    /// FFmpeg's expression language, term for term, so an encode started before the probe lands on the planned width.
    /// </summary>
    public static int SourceAspectWidth(int height, int sourceWidth, int sourceHeight) =>
        Math.Max(2, (int)Math.Round((double)height * sourceWidth / sourceHeight / 2, MidpointRounding.AwayFromZero) * 2);

    /// <summary><see cref="SourceAspectWidth"/> for the scale filter, whose iw and ih are the decoded (upright) frame's.</summary>
    public static string SourceAspectWidthExpression(int height) => $"'max(2,round({Invariant(height)}*iw/ih/2)*2)'";

    private static string ScaleWidth(Rung rung) => rung.WidthFromSource ? SourceAspectWidthExpression(rung.Height) : Invariant(rung.Width);

    private static void ThrowIfWidthUnknown(Rung rung, string what)
    {
        if (rung.WidthFromSource)
        {
            throw new ArgumentException($"Rung {rung.Name} leaves its width to FFmpeg, so it cannot take {what} sized to that width.");
        }
    }

    public static string H264Level(int height) => height > 1080 ? "5.1" : "4.0";

    internal static IReadOnlyList<string> HlsOutput(string workDirectory, string rendition, int startNumber, double hlsTime, string playlistPath) =>
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

    /// <summary>
    /// The logo as the chunk's second input: our own validated PNG, still fenced in (local file, PNG demuxer only). After
    /// the source's <c>-ss</c>/<c>-t</c>, which apply to the source alone.
    /// </summary>
    public static IReadOnlyList<string> LogoInput(LogoOverlay? logo)
    {
        if (logo is null)
        {
            return [];
        }

        logo.Validate();
        return ["-protocol_whitelist", "file", "-format_whitelist", "png_pipe", "-f", "png_pipe", "-i", "file:" + Path.GetFullPath(logo.PngPath)];
    }

    /// <summary>Decodes a PNG to nothing: proof that FFmpeg can read a logo before any video depends on it.</summary>
    public static IReadOnlyList<string> CheckLogo(string pngPath) =>
    [
        .. Common(progress: false),
        "-protocol_whitelist", "file", "-format_whitelist", "png_pipe", "-f", "png_pipe",
        "-i", "file:" + Path.GetFullPath(pngPath),
        "-frames:v", "1", "-f", "null", "-",
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

        if (job.StartSeconds < 0 || job.DurationSeconds <= 0 || job.SegmentSeconds <= 0 || job.FirstSegmentIndex < 0
            || job.FirstSegmentSeconds < 0 || job.FirstSegmentSeconds > job.SegmentSeconds)
        {
            throw new ArgumentException($"Invalid chunk timing: start {job.StartSeconds}, duration {job.DurationSeconds}, segment {job.SegmentSeconds}, first {job.FirstSegmentIndex} ({job.FirstSegmentSeconds} s).", nameof(job));
        }

        if (job.Outputs.Select(r => r.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count() != job.Outputs.Count)
        {
            throw new ArgumentException("Rung names must be unique: each one is a directory.", nameof(job));
        }

        foreach (var rung in job.Outputs)
        {
            ValidateRendition(rung.Name);
            var widthValid = rung.WidthFromSource || (rung.Width > 0 && rung.Width % 2 == 0);
            if (!widthValid || rung.Height <= 0 || rung.Height % 2 != 0 || rung.VideoKbps <= 0)
            {
                throw new ArgumentException($"Rung {rung.Name} needs positive even dimensions and bitrate.", nameof(job));
            }
        }

        if (job.Images is { } images)
        {
            // Tiles are 4:2:0 JPEGs (even sides); the interval is a time base, so at least a millisecond.
            if (!(images.TileIntervalSeconds >= 0.001) || double.IsInfinity(images.TileIntervalSeconds)
                || images.TileWidth <= 0 || images.TileHeight <= 0 || images.TileWidth % 2 != 0 || images.TileHeight % 2 != 0
                || images.PosterHeight <= 0 || images.PosterAtSeconds is < 0 || images.PosterAtSeconds is double.NaN)
            {
                throw new ArgumentException($"Invalid chunk images: {images}.", nameof(job));
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

    private static string Invariant(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
