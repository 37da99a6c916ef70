using Streamio.Abstractions.Forensics;
using Streamio.Abstractions.Videos;
using Streamio.Media;

namespace Streamio.Grains.Planning;

/// <summary>Pure planning: which renditions a source gets, and how its timeline is cut into chunk tasks.</summary>
public static class LadderPlanner
{
    public const string AudioRendition = "audio";

    /// <summary>The rungs at or under the source height (never upscaled), lowest first; at least one.</summary>
    public static IReadOnlyList<Rung> Rungs(IReadOnlyList<Rung> ladder, int sourceWidth, int sourceHeight)
    {
        // The same sum FFmpeg does for an encode started before the probe (FfmpegArguments.SourceAspectWidthExpression).
        int WidthAt(int height) => sourceHeight > 0 ? FfmpegArguments.SourceAspectWidth(height, sourceWidth, sourceHeight) : Even(height * 16.0 / 9);
        var fitting = ladder.Where(rung => rung.Height <= sourceHeight).OrderBy(rung => rung.Height).ToList();
        if (fitting.Count == 0)
        {
            // Smaller than the lowest rung: one rendition at the source's own (even) size and the lowest bitrate.
            var lowest = ladder.MinBy(rung => rung.Height) ?? new Rung("360p", 640, 360, 800);
            var height = Even(sourceHeight);
            return [lowest with { Name = $"{height}p", Height = height, Width = WidthAt(height) }];
        }
        return fitting.Select(rung => rung with { Width = WidthAt(rung.Height) }).ToList();
    }

    public static int SegmentCount(double durationSeconds, double segmentSeconds) =>
        Math.Max(1, (int)Math.Ceiling(durationSeconds / segmentSeconds - 1e-3));

    /// <summary>Segments of a timeline whose first segment is <paramref name="firstSeconds"/> long and the rest <paramref name="segmentSeconds"/>.</summary>
    public static int SegmentCount(double durationSeconds, double firstSeconds, double segmentSeconds) =>
        durationSeconds - firstSeconds <= 1e-3 ? 1 : 1 + SegmentCount(durationSeconds - firstSeconds, segmentSeconds);

    /// <summary>
    /// How long the chunks after the first segment are: about one per worker of the cluster (<paramref name="workers"/>),
    /// so one node runs a few long chunks (fewer FFmpeg starts, less decoding before chunk starts, less encoder warm-up)
    /// and a large cluster many short ones; never shorter than <paramref name="shortest"/> nor longer than <paramref name="longest"/>.
    /// </summary>
    public static int SegmentsPerChunk(int segmentCount, int workers, int shortest, int longest)
    {
        var remaining = Math.Max(1, segmentCount - 1);
        var workerCount = Math.Max(1, workers);
        var floor = Math.Max(1, shortest);
        return Math.Clamp((remaining + workerCount - 1) / workerCount, floor, Math.Max(floor, longest));
    }

    /// <summary>
    /// Chunk tasks in the order they should run. Fast start: the first segment at the lowest rung is a task of its own,
    /// so the video is playable after one tiny encode; the other rungs of that segment follow, then whole chunks.
    /// </summary>
    public static IReadOnlyList<ChunkTask> Chunks(int segmentCount, int segmentsPerChunk, IReadOnlyList<Rung> rungs)
    {
        var names = rungs.Select(rung => rung.Name).ToList();
        var tasks = new List<ChunkTask> { new(0, 1, [names[0]], FastStart: true) };
        if (names.Count > 1)
        {
            tasks.Add(new ChunkTask(0, 1, names.Skip(1).ToList(), FastStart: true));
        }
        for (var first = 1; first < segmentCount; first += segmentsPerChunk)
        {
            tasks.Add(new ChunkTask(first, Math.Min(segmentsPerChunk, segmentCount - first), names, FastStart: false));
        }
        return tasks;
    }

    public static EncodingPlan Plan(EncodingOptions options, SourceFacts source)
    {
        var rungs = Rungs(options.EffectiveLadder, source.Width, source.Height);
        var renditions = rungs.Select(rung => new RenditionPlan(rung.Name, rung.Width, rung.Height, rung.VideoKbps, IsAudio: false)).ToList();
        if (source.HasAudio)
        {
            renditions.Add(new RenditionPlan(AudioRendition, 0, 0, options.AudioBitrateKbps, IsAudio: true));
        }
        var first = FirstSegmentSeconds(options);
        return new EncodingPlan(options.SegmentSeconds, SegmentCount(source.DurationSeconds, first, options.SegmentSeconds), renditions)
        {
            FirstSegmentSeconds = first,
        };
    }

    /// <summary>The configured first segment, within (0, SegmentSeconds]; anything else means a whole segment.</summary>
    public static double FirstSegmentSeconds(EncodingOptions options) => SegmentTimeline.First(options.FirstSegmentSeconds, options.SegmentSeconds);

    /// <summary>The same ladder on whole segments only (what a forensic video needs: one A/B choice per segment).</summary>
    public static EncodingPlan WholeSegments(EncodingPlan plan, double durationSeconds) =>
        plan with { FirstSegmentSeconds = plan.SegmentSeconds, SegmentCount = SegmentCount(durationSeconds, plan.SegmentSeconds) };

    /// <summary>
    /// A forensic plan: the highest plain rung at or below <paramref name="maxHeight"/> (else the lowest) gets two more
    /// renditions, its A and B copies, listed after every plain rung so the fast start and the images never pick them.
    /// </summary>
    public static (EncodingPlan Plan, string Rung) WithForensicCopies(EncodingPlan plan, int maxHeight)
    {
        var plain = plan.Renditions.Where(rendition => rendition.IsPlainVideo).ToList();
        var rung = plain.Where(rendition => rendition.Height <= maxHeight).MaxBy(rendition => rendition.Height) ?? plain.MinBy(rendition => rendition.Height)!;
        List<RenditionPlan> renditions =
        [
            .. plan.Renditions,
            rung with { Name = ForensicNames.Copy(rung.Name, ForensicCopy.A), Forensic = ForensicCopy.A },
            rung with { Name = ForensicNames.Copy(rung.Name, ForensicCopy.B), Forensic = ForensicCopy.B },
        ];
        return (plan with { Renditions = renditions }, rung.Name);
    }

    private static int Even(double value) => Math.Max(2, (int)Math.Round(value / 2) * 2);
}

/// <summary>One FFmpeg run: segments [FirstSegment, FirstSegment + SegmentCount) of the listed rungs.</summary>
public sealed record ChunkTask(int FirstSegment, int SegmentCount, IReadOnlyList<string> Rungs, bool FastStart);
