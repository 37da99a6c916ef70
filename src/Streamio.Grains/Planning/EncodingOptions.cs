using Streamio.Media;

namespace Streamio.Grains.Planning;

/// <summary>How videos are cut and encoded (configuration section <c>Streamio:Encoding</c>).</summary>
public sealed class EncodingOptions
{
    /// <summary>The default ladder (DESIGN §2), used when none is configured.</summary>
    public static IReadOnlyList<Rung> DefaultLadder { get; } =
    [
        new("2160p", 3840, 2160, 12000),
        new("1440p", 2560, 1440, 8000),
        new("1080p", 1920, 1080, 5000),
        new("720p", 1280, 720, 3000),
        new("480p", 854, 480, 1500),
        new("360p", 640, 360, 800),
    ];

    /// <summary>
    /// A configured ladder replaces the default one. (Kept empty by default: the configuration binder appends to a
    /// pre-filled list instead of replacing it.)
    /// </summary>
    public List<Rung> Ladder { get; set; } = [];

    public IReadOnlyList<Rung> EffectiveLadder => Ladder.Count > 0 ? Ladder : DefaultLadder;

    public double SegmentSeconds { get; set; } = 4;

    /// <summary>
    /// The first video segment's length (at most <see cref="SegmentSeconds"/>): the fast start encodes only this much
    /// before the video is playable. Forensic videos keep whole segments (their A/B choice is per segment).
    /// </summary>
    public double FirstSegmentSeconds { get; set; } = 1;

    /// <summary>
    /// The silo that probes a new video starts its fast start at the same time, guessing the lowest rung from the
    /// ladder (the width follows the source's aspect in FFmpeg), and keeps it when the plan agrees: the probe's time
    /// is then off the way to playable. Off: the fast start waits for the plan.
    /// </summary>
    public bool EarlyFastStart { get; set; } = true;

    /// <summary>
    /// The shortest chunk task, in segments: a cluster with many workers gets chunks this long (they spread well);
    /// smaller chunks spread better over silos, larger ones start fewer processes and decode less twice.
    /// </summary>
    public int SegmentsPerChunk { get; set; } = 3;

    /// <summary>
    /// The longest chunk task, in segments: with few workers a video is cut into about one chunk per worker, up to this
    /// long (what a failed attempt redoes). Equal to <see cref="SegmentsPerChunk"/>: every chunk has that fixed length.
    /// </summary>
    public int MaxSegmentsPerChunk { get; set; } = 15;

    /// <summary>
    /// Beside the probe of a stored source, FFmpeg lists the video's keyframes (reading only those), and chunk starts
    /// are moved to just after one (<see cref="LadderPlanner.ChunkStarts"/>). The probe's report, which the fast start
    /// and the audio wait for, waits at most this long past ffprobe's answer for that list; later (a long remote
    /// source: an MKV or MPEG-TS is read whole for it, an MP4 one request per keyframe), or at 0, the chunks are evenly
    /// spaced. A local 60 s 1080p MP4 is listed before ffprobe answers.
    /// </summary>
    public double KeyframeWaitSeconds { get; set; } = 0.5;

    public int AudioBitrateKbps { get; set; } = 128;

    /// <summary>Keep the uploaded source after the video is ready.</summary>
    public bool KeepSource { get; set; }

    /// <summary>Scratch folder for FFmpeg output on this silo.</summary>
    public string WorkPath { get; set; } = "data/work";

    /// <summary>Attempts per task before the video fails.</summary>
    public int MaxAttempts { get; set; } = 3;
}
