using System.Globalization;

namespace Streamio.Media.Live;

/// <summary>One video rung of a live ladder: its rendition name, size and bitrate, and the first segment number it writes.</summary>
public sealed record LiveRung(string Name, int Width, int Height, int VideoKbps, int FirstIndex);

/// <summary>The audio rendition of a live ladder (AAC, its own HLS rendition as for VOD).</summary>
public sealed record LiveAudio(string Name, int BitrateKbps, int FirstIndex);

/// <summary>
/// One leg of a live session: the publisher's container (<c>flv</c> or <c>mpegts</c>) read from stdin, decoded once and
/// encoded to every rung and the audio as HLS segments of <see cref="SegmentSeconds"/> in <see cref="WorkDirectory"/>.
/// <see cref="OffsetSeconds"/> shifts the leg's timeline to where the session's previous legs ended, so the recording
/// plays as one continuous timeline.
/// </summary>
public sealed record LiveEncodeJob(
    string ContainerFormat,
    IReadOnlyList<LiveRung> Rungs,
    LiveAudio? Audio,
    double SegmentSeconds,
    double OffsetSeconds,
    string WorkDirectory);

/// <summary>The live encoder's and prober's command lines, as pure functions.</summary>
public static class LiveArguments
{
    /// <summary>The containers the ingest servers hand over: FLV from RTMP, MPEG-TS from SRT.</summary>
    public static readonly IReadOnlyList<string> Containers = ["flv", "mpegts"];

    /// <summary>Enough of a live input to find its streams without waiting seconds for more.</summary>
    public const long ProbeBytes = 1_000_000;

    public const long AnalyzeMicroseconds = 1_000_000;

    public static string SegmentDirectory(string workDirectory, string rendition) => Path.Combine(Path.GetFullPath(workDirectory), rendition);

    public static string PlaylistPath(string workDirectory, string rendition) => Path.Combine(SegmentDirectory(workDirectory, rendition), "index.m3u8");

    /// <summary>ffprobe of the first bytes of a publisher's stream, fed on stdin: the streams only, as JSON.</summary>
    public static IReadOnlyList<string> Probe(string containerFormat) =>
    [
        "-hide_banner", "-v", "error",
        "-print_format", "json", "-show_streams",
        .. Input(containerFormat),
    ];

    /// <summary>
    /// The leg's one FFmpeg run. x264 veryfast with zerolatency (no lookahead, no B-frames: a frame leaves the encoder as
    /// soon as it is coded), a keyframe forced at every segment boundary and none elsewhere (<c>-sc_threshold 0</c>), so
    /// every rung cuts at the same instants.
    /// </summary>
    public static IReadOnlyList<string> Encode(LiveEncodeJob job, string preset)
    {
        Validate(job);
        List<string> args = ["-hide_banner", "-nostats", "-y", .. Input(job.ContainerFormat), "-filter_complex", FilterGraph(job.Rungs)];
        for (var i = 0; i < job.Rungs.Count; i++)
        {
            var rung = job.Rungs[i];
            var kbps = Invariant(rung.VideoKbps) + "k";
            args.AddRange(
            [
                "-map", $"[v{i}]", "-an", "-sn", "-dn",
                "-c:v", "libx264", "-preset", preset, "-tune", "zerolatency",
                "-profile:v", "high", "-level:v", FfmpegArguments.H264Level(rung.Height),
                "-b:v", kbps, "-maxrate", kbps, "-bufsize", Invariant(rung.VideoKbps * 2) + "k",
                "-g", FfmpegArguments.NoNaturalKeyframes, "-sc_threshold", "0", "-forced-idr", "1",
                "-force_key_frames", KeyFrames(job.SegmentSeconds),
                .. Output(job, rung.Name, rung.FirstIndex, FfmpegArguments.MuxerSplitSeconds(job.SegmentSeconds)),
            ]);
        }

        if (job.Audio is { } audio)
        {
            args.AddRange(
            [
                "-map", "0:a:0", "-vn", "-sn", "-dn",
                "-c:a", "aac", "-b:a", Invariant(audio.BitrateKbps) + "k", "-ac", "2", "-ar", "48000",
                .. Output(job, audio.Name, audio.FirstIndex, job.SegmentSeconds),
            ]);
        }

        return args;
    }

    /// <summary>One decode split to every rung, each scaled to its size in 4:2:0.</summary>
    public static string FilterGraph(IReadOnlyList<LiveRung> rungs)
    {
        var split = $"[0:v:0]split={Invariant(rungs.Count)}" + string.Concat(rungs.Select((_, i) => $"[s{i}]"));
        var scaled = rungs.Select((rung, i) => $"[s{i}]scale={Invariant(rung.Width)}:{Invariant(rung.Height)},format=yuv420p[v{i}]");
        return string.Join(';', [split, .. scaled]);
    }

    /// <summary>A keyframe on the first frame, then one every segment, measured from the previous one (any start time works).</summary>
    public static string KeyFrames(double segmentSeconds) =>
        $"expr:if(isnan(prev_forced_t),1,gte(t-prev_forced_t+{FfmpegArguments.Seconds(FfmpegArguments.TimeTolerance)},{FfmpegArguments.Seconds(segmentSeconds)}))";

    private static IReadOnlyList<string> Input(string containerFormat) =>
    [
        // The publisher's bytes arrive on stdin and nothing else may be opened: no file, no network, no other demuxer.
        "-protocol_whitelist", "pipe",
        "-format_whitelist", containerFormat,
        "-probesize", Invariant(ProbeBytes),
        "-analyzeduration", Invariant(AnalyzeMicroseconds),
        "-max_streams", "8",
        "-f", containerFormat,
        "-i", "pipe:0",
    ];

    private static IReadOnlyList<string> Output(LiveEncodeJob job, string rendition, int firstIndex, double hlsTime) =>
    [
        // The leg starts where the session's earlier legs ended, so the recorded segments form one timeline.
        "-output_ts_offset", FfmpegArguments.Seconds(job.OffsetSeconds),
        .. FfmpegArguments.HlsOutput(job.WorkDirectory, rendition, firstIndex, hlsTime, PlaylistPath(job.WorkDirectory, rendition)),
    ];

    private static void Validate(LiveEncodeJob job)
    {
        if (!Containers.Contains(job.ContainerFormat))
        {
            throw new ArgumentException($"'{job.ContainerFormat}' is not a live container Streamio reads (flv, mpegts).", nameof(job));
        }

        if (job.Rungs.Count == 0)
        {
            throw new ArgumentException("A live ladder needs at least one video rung.", nameof(job));
        }

        if (job.SegmentSeconds <= 0 || job.OffsetSeconds < 0)
        {
            throw new ArgumentException("Segment length must be positive and the offset not negative.", nameof(job));
        }

        foreach (var name in job.Rungs.Select(rung => rung.Name).Append(job.Audio?.Name).OfType<string>())
        {
            FfmpegArguments.ValidateRendition(name);
        }
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
