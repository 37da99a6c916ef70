using Streamio.Abstractions.Videos;
using Streamio.Media;

namespace Streamio.Grains.Work;

/// <summary>
/// The poster and storyboard a source gets, decided from the probe alone so that every chunk (on any silo) and the
/// finish agree on them: a tile every interval (at most <see cref="MaxTiles"/>), the poster at 10 % (at most 10 s in).
/// </summary>
public static class ImagePlan
{
    public const int TileWidth = 160;
    public const int Columns = 10;
    public const int MaxTiles = 100;

    public static double IntervalSeconds(SourceFacts source) => Math.Max(2, Math.Ceiling(source.DurationSeconds / MaxTiles));

    public static int TileHeight(SourceFacts source) => Math.Max(2, (int)Math.Round(TileWidth * (double)source.Height / Math.Max(1, source.Width) / 2) * 2);

    public static double PosterAtSeconds(SourceFacts source) => Math.Min(10, source.DurationSeconds * 0.1);

    public static int PosterHeight(SourceFacts source) => Math.Min(720, source.Height);

    /// <summary>How many tiles the whole video has.</summary>
    public static int TileCount(SourceFacts source) => Math.Max(1, FfmpegArguments.TileIndexes(0, source.DurationSeconds, IntervalSeconds(source)).Count);

    public static ChunkImages ForChunk(SourceFacts source) =>
        new(IntervalSeconds(source), TileWidth, TileHeight(source), PosterAtSeconds(source), PosterHeight(source));
}
