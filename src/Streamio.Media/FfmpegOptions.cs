namespace Streamio.Media;

/// <summary>
/// FFmpeg settings, bound from the <c>Streamio:Ffmpeg</c> configuration section. Every cap exists because inputs come
/// from strangers (DESIGN.md §8); defaults suit a laptop and a cluster alike.
/// </summary>
public sealed class FfmpegOptions
{
    public const string SectionName = "Streamio:Ffmpeg";

    public string FfmpegPath { get; set; } = "ffmpeg";

    public string FfprobePath { get; set; } = "ffprobe";

    /// <summary>Demuxers FFmpeg may pick for a source (content decides which; anything else is refused).</summary>
    public string AllowedFormats { get; set; } = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,mpegts";

    /// <summary>Largest accepted frame, in either orientation (a portrait 4320x7680 fits a 7680x4320 cap).</summary>
    public int MaxWidth { get; set; } = 7680;

    public int MaxHeight { get; set; } = 4320;

    public double MaxDurationSeconds { get; set; } = 6 * 3600;

    public int MaxStreams { get; set; } = 16;

    public long ProbeSizeBytes { get; set; } = 50_000_000;

    public double AnalyzeDurationSeconds { get; set; } = 20;

    /// <summary>libx264 preset for every rung.</summary>
    public string Preset { get; set; } = "veryfast";

    /// <summary>
    /// Run FFmpeg in the background (Linux's idle scheduling class, and nice 10) so encodes never starve the API or the
    /// heartbeats. What a viewer waits for keeps normal priority either way: probes, the fast start, the audio until its
    /// first segment, live encodes, watermarked sessions, frame grabs.
    /// </summary>
    public bool LowPriority { get; set; } = true;

    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a read of an upload still arriving may wait for its next bytes before FFmpeg gives up.</summary>
    public TimeSpan GrowingReadTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Shortest timeout of any FFmpeg task, whatever its media duration.</summary>
    public TimeSpan TaskTimeoutFloor { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Wall-clock seconds allowed per second of media a task covers.</summary>
    public double TaskTimeoutPerMediaSecond { get; set; } = 10;

    /// <summary>How long each polite step ("q", then SIGTERM) may take before the next, harder one.</summary>
    public TimeSpan GracefulStopTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The timeout of a task covering <paramref name="mediaSeconds"/> of media.</summary>
    public TimeSpan TaskTimeoutFor(double mediaSeconds)
    {
        var scaled = TimeSpan.FromSeconds(Math.Max(0, mediaSeconds) * TaskTimeoutPerMediaSecond);
        return scaled > TaskTimeoutFloor ? scaled : TaskTimeoutFloor;
    }
}
