namespace Streamio.Media;

/// <summary>One rung of the ladder: output size and video bitrate.</summary>
public sealed record Rung(string Name, int Width, int Height, int VideoKbps);

/// <summary>
/// Encodes [StartSeconds, StartSeconds + DurationSeconds) of the source once, into every rung in <see cref="Outputs"/>
/// (one decode, split filter). Segments are numbered from <see cref="FirstSegmentIndex"/>; keyframes land on every
/// segment boundary; timestamps are the source's, so chunks join without gap or overlap.
/// </summary>
public sealed record ChunkEncodeJob(
    MediaInput Input,
    double StartSeconds,
    double DurationSeconds,
    int FirstSegmentIndex,
    double SegmentSeconds,
    IReadOnlyList<Rung> Outputs,
    string WorkDirectory);

/// <summary>The whole source's audio as one AAC rendition (stereo), segmented like the video.</summary>
public sealed record AudioEncodeJob(
    MediaInput Input,
    double SegmentSeconds,
    int BitrateKbps,
    string WorkDirectory)
{
    /// <summary>The source duration (from the probe): sizes the task timeout and the progress. Read from FFmpeg when absent.</summary>
    public double? DurationSeconds { get; init; }
}

/// <summary>A segment FFmpeg has closed: complete on disk, never written again.</summary>
public sealed record ClosedSegment(string Rendition, int Index, double DurationSeconds, string LocalPath);

/// <summary>A storyboard: a sprite of tiles, one every <see cref="IntervalSeconds"/>.</summary>
public sealed record StoryboardSpec(double IntervalSeconds, int TileWidth, int TileHeight, int Columns);

public sealed record StoryboardResult(string SpritePath, int TileCount, int Columns, int Rows, int TileWidth, int TileHeight);

public interface IMediaEncoder
{
    /// <summary>Runs one chunk; <paramref name="onSegment"/> is awaited for each segment as soon as FFmpeg closes it.</summary>
    Task EncodeChunkAsync(ChunkEncodeJob job, Func<ClosedSegment, Task> onSegment, IProgress<double>? progress, CancellationToken cancellationToken);

    /// <summary>Encodes the audio rendition (named "audio"); segments are reported as they close.</summary>
    Task EncodeAudioAsync(AudioEncodeJob job, Func<ClosedSegment, Task> onSegment, IProgress<double>? progress, CancellationToken cancellationToken);

    /// <summary>Writes a JPEG poster of the frame at <paramref name="atSeconds"/>, scaled to <paramref name="height"/>.</summary>
    Task CapturePosterAsync(MediaInput input, double atSeconds, int height, string outputPath, CancellationToken cancellationToken);

    /// <summary>Writes a JPEG sprite of tiles taken every spec.IntervalSeconds over the whole input.</summary>
    Task<StoryboardResult> BuildStoryboardAsync(MediaInput input, double durationSeconds, StoryboardSpec spec, string spritePath, CancellationToken cancellationToken);
}
