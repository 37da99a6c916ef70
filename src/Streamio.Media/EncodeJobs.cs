namespace Streamio.Media;

/// <summary>One rung of the ladder: output size and video bitrate.</summary>
public sealed record Rung(string Name, int Width, int Height, int VideoKbps)
{
    /// <summary>
    /// A forensic copy: a raw yuv420p frame of the rung's size (the forensic mark) merged into
    /// every frame before encoding. Null for an ordinary rung.
    /// </summary>
    public string? MarkPatternPath { get; init; }

    /// <summary>
    /// <see cref="Width"/> is left to FFmpeg: the source's aspect at <see cref="Height"/>, rounded to even as
    /// <see cref="FfmpegArguments.SourceAspectWidth"/> says. For an encode started before the probe has said the source's
    /// size (the early fast start); such a rung takes no logo and no forensic mark, whose sizes follow the width.
    /// </summary>
    public bool WidthFromSource { get; init; }
}

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
    string WorkDirectory)
{
    /// <summary>
    /// The timeline's first segment when the chunk starts at 0 and that segment is shorter than the rest (the fast start's
    /// length); 0 means a whole one. Ignored for a chunk that starts later.
    /// </summary>
    public double FirstSegmentSeconds { get; init; }

    /// <summary>Storyboard tiles and the poster taken from the same decode; null makes none.</summary>
    public ChunkImages? Images { get; init; }

    /// <summary>A logo burned into every rung (not into the images); null draws none.</summary>
    public LogoOverlay? Logo { get; init; }

    /// <summary>
    /// Threads each rung's x264 encoder may use; null leaves it to FFmpeg (about 1.5 per core, for each encoder). Chunks
    /// that run side by side each take their share of the cores instead: x264's own threads on top of other chunks'
    /// cost CPU for nothing.
    /// </summary>
    public int? EncoderThreads { get; init; }

    /// <summary>
    /// On the path to playable (the fast start): FFmpeg keeps normal priority instead of
    /// <see cref="FfmpegOptions.LowPriority"/>, so the rest of the ladder and other videos' chunks do not slow it.
    /// </summary>
    public bool Urgent { get; init; }
}

/// <summary>
/// Images a chunk takes from its decoded frames, on the video's whole timeline. Tile k is the frame at or just after
/// t = k * <see cref="TileIntervalSeconds"/>, letterboxed into TileWidth x TileHeight (even sizes); a chunk makes the
/// tiles whose t falls in its range [Start, Start + Duration), so adjacent chunks share none and miss none. The poster
/// is the frame at or just after <see cref="PosterAtSeconds"/>, made only by the chunk whose range holds that time,
/// <see cref="PosterHeight"/> high with the display aspect kept (even width). Times compare at microsecond precision.
/// </summary>
public sealed record ChunkImages(double TileIntervalSeconds, int TileWidth, int TileHeight, double? PosterAtSeconds, int PosterHeight);

/// <summary>One storyboard tile: a JPEG named by its index k on the whole timeline.</summary>
public sealed record StoryboardTile(int Index, string LocalPath);

/// <summary>
/// The images a chunk made, left in its work directory for the caller to upload and delete. <see cref="Tiles"/> is in
/// index order and holds every tile of the chunk's range except those with no frame at or after their time (past the
/// end of the source); <see cref="PosterPath"/> is null when the poster is not this chunk's, or lies past the last frame.
/// </summary>
public sealed record ChunkEncodeResult(IReadOnlyList<StoryboardTile> Tiles, string? PosterPath);

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
    /// <summary>
    /// Runs one chunk; <paramref name="onSegment"/> is awaited for each segment as soon as FFmpeg closes it. The job's
    /// <see cref="ChunkEncodeJob.Images"/> come from the same FFmpeg run. <paramref name="progress"/>, when given, hears
    /// 0 at the start, rising fractions of the chunk, and 1 at the end; without it FFmpeg reports no progress at all.
    /// </summary>
    Task<ChunkEncodeResult> EncodeChunkAsync(ChunkEncodeJob job, Func<ClosedSegment, Task> onSegment, IProgress<double>? progress, CancellationToken cancellationToken);

    /// <summary>Encodes the audio rendition (named "audio"); segments are reported as they close. Progress as for chunks.</summary>
    Task EncodeAudioAsync(AudioEncodeJob job, Func<ClosedSegment, Task> onSegment, IProgress<double>? progress, CancellationToken cancellationToken);

    /// <summary>Writes a JPEG poster of the frame at <paramref name="atSeconds"/>, scaled to <paramref name="height"/>.</summary>
    Task CapturePosterAsync(MediaInput input, double atSeconds, int height, string outputPath, CancellationToken cancellationToken);

    /// <summary>Writes a JPEG sprite of tiles taken every spec.IntervalSeconds over the whole input (one pass over the file).</summary>
    Task<StoryboardResult> BuildStoryboardAsync(MediaInput input, double durationSeconds, StoryboardSpec spec, string spritePath, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a JPEG sprite of ready-made tiles (all one size), left to right then top to bottom, <paramref name="columns"/>
    /// wide (fewer when there are fewer tiles), the last row padded. No video is decoded.
    /// </summary>
    Task<StoryboardResult> ComposeStoryboardAsync(IReadOnlyList<string> tilePathsInIndexOrder, int columns, string spritePath, CancellationToken cancellationToken);

    /// <summary>Decodes a PNG logo once; throws <see cref="MediaToolException"/> when FFmpeg cannot read it.</summary>
    Task CheckLogoAsync(string pngPath, CancellationToken cancellationToken);
}
