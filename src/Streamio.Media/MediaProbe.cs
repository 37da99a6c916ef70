namespace Streamio.Media;

/// <summary>What ffprobe found in an accepted source.</summary>
public sealed record MediaProbe(
    string FormatName,
    double DurationSeconds,
    VideoStreamInfo Video,
    AudioStreamInfo? Audio);

public sealed record VideoStreamInfo(string Codec, int Width, int Height, double FrameRate);

public sealed record AudioStreamInfo(string Codec, int Channels, int SampleRate);

/// <summary>A source Streamio refuses, with a reason a person can act on.</summary>
public sealed class MediaRejectedException(string reason) : Exception(reason);

/// <summary>FFmpeg or ffprobe failed (crash, non-zero exit, timeout).</summary>
public sealed class MediaToolException(string message, string stderrTail) : Exception(message)
{
    public string StderrTail { get; } = stderrTail;
}

public interface IMediaProber
{
    /// <summary>Probes with the demuxer allowlist and caps; throws <see cref="MediaRejectedException"/> for refused inputs.</summary>
    Task<MediaProbe> ProbeAsync(MediaInput input, CancellationToken cancellationToken);

    /// <summary>
    /// The video's keyframe times (<see cref="KeyframeIndex"/>), listed by FFmpeg in <paramref name="workDirectory"/>
    /// within <paramref name="timeout"/>; throws <see cref="MediaToolException"/> when FFmpeg fails or runs out of time.
    /// </summary>
    Task<IReadOnlyList<double>> KeyframesAsync(MediaInput input, string workDirectory, TimeSpan timeout, CancellationToken cancellationToken);
}
