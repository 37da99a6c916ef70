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
    /// How long the whole chunks are: their <paramref name="segmentCount"/> segments shared about equally among the
    /// workers of the cluster (<paramref name="workers"/>), so one node runs a few long chunks (fewer FFmpeg starts, less
    /// decoding before chunk starts, less encoder warm-up) and a large cluster many short ones; never shorter than
    /// <paramref name="shortest"/> nor longer than <paramref name="longest"/>.
    /// </summary>
    public static int SegmentsPerChunk(int segmentCount, int workers, int shortest, int longest)
    {
        var segments = Math.Max(1, segmentCount);
        var workerCount = Math.Max(1, workers);
        var floor = Math.Max(1, shortest);
        return Math.Clamp((segments + workerCount - 1) / workerCount, floor, Math.Max(floor, longest));
    }

    /// <summary>
    /// Chunk tasks in the order they should run. Fast start: the first segment at the lowest rung is a task of its own,
    /// so the video is playable after one tiny encode; then whole chunks from the start of the timeline. The first whole
    /// chunk encodes segment 0 at the lowest rung again and drops it (<see cref="FastStartRepeatedBy"/>): a second FFmpeg
    /// run for segment 0 at the other rungs alone cost its start, its encoders' warm-up and a second decode of the
    /// timeline's first second (about 1.2 s of CPU beyond its share on a 1080p ladder), against a few hundredths of a
    /// second for one more second of the lowest rung. A single rung's whole chunks start after the fast start's segment.
    /// </summary>
    /// <param name="segmentStart">Where a segment starts on the timeline; with <paramref name="keyframes"/>, see <see cref="ChunkStarts"/>.</param>
    public static IReadOnlyList<ChunkTask> Chunks(int segmentCount, int segmentsPerChunk, IReadOnlyList<Rung> rungs,
        Func<int, double>? segmentStart = null, IReadOnlyList<double>? keyframes = null)
    {
        var names = rungs.Select(rung => rung.Name).ToList();
        var tasks = new List<ChunkTask> { new(0, 1, [names[0]], FastStart: true) };
        var starts = ChunkStarts(segmentCount, segmentsPerChunk, FirstWholeSegment(names.Count), segmentStart, keyframes);
        for (var i = 0; i < starts.Count; i++)
        {
            var end = i + 1 < starts.Count ? starts[i + 1] : segmentCount;
            tasks.Add(new ChunkTask(starts[i], end - starts[i], names, FastStart: false));
        }
        return tasks;
    }

    /// <summary>
    /// Where the whole chunks begin: every <paramref name="segmentsPerChunk"/> segments from <paramref name="firstWhole"/>,
    /// each later start moved by up to an eighth of a chunk (chunks of 8 segments or more) to the segment boundary that
    /// lies closest after a source keyframe, when that saves at least <see cref="MinDecodeSavedSeconds"/>. A chunk seeks
    /// to the keyframe before its start and decodes the frames in between for nothing: up to 10 s of 1080p per chunk on
    /// a source with a keyframe every 10 s. The bound keeps one node's few long chunks even: moved by a quarter, the
    /// second of two chunks ran alone at the end with the threads it was given for two (the ladder's wall time went
    /// from 1.03× to 1.18× the plain FFmpeg's). Without keyframes the starts are evenly spaced.
    /// </summary>
    public static IReadOnlyList<int> ChunkStarts(int segmentCount, int segmentsPerChunk, int firstWhole, Func<int, double>? segmentStart, IReadOnlyList<double>? keyframes)
    {
        var step = Math.Max(1, segmentsPerChunk);
        var reach = step / 8;
        var starts = new List<int>();
        for (var even = firstWhole; even < segmentCount; even += step)
        {
            if (starts.Count == 0 || reach == 0 || segmentStart is null || keyframes is not { Count: > 0 })
            {
                starts.Add(even);
                continue;
            }
            var previous = starts[^1];
            var best = Enumerable.Range(even - reach, 2 * reach + 1)
                .Where(candidate => candidate > previous && candidate < segmentCount)
                .MinBy(candidate => (DecodedForNothing(segmentStart(candidate), keyframes), Math.Abs(candidate - even)));
            var saved = DecodedForNothing(segmentStart(even), keyframes) - DecodedForNothing(segmentStart(best), keyframes);
            starts.Add(saved >= MinDecodeSavedSeconds ? best : even);
        }
        return starts;
    }

    /// <summary>
    /// What moving a chunk start must save: an encoder's keyframes drift by a frame or two around its interval (x264's
    /// every 2 s at 30 fps fell at 4.07, 5.97, 22.10 s, …), which would otherwise move starts off the even spacing for
    /// hundredths of a second.
    /// </summary>
    public const double MinDecodeSavedSeconds = 1;

    /// <summary>
    /// Seconds between the keyframe a seek to <paramref name="start"/> lands on (the last at or before it, in the sorted
    /// <paramref name="keyframes"/>) and <paramref name="start"/> itself.
    /// </summary>
    public static double DecodedForNothing(double start, IReadOnlyList<double> keyframes)
    {
        int low = 0, high = keyframes.Count - 1, before = -1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            if (keyframes[middle] <= start + 1e-6)
            {
                before = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }
        return before < 0 ? start : Math.Max(0, start - keyframes[before]);
    }

    /// <summary>Where the whole chunks begin: at 0 with several rungs, after the fast start's segment with one.</summary>
    public static int FirstWholeSegment(int rungCount) => rungCount > 1 ? 0 : 1;

    /// <summary>The rung whose segment 0 makes the video playable (with the audio's): the lowest plain one.</summary>
    public static RenditionPlan? FastStartRung(EncodingPlan plan) =>
        plan.Renditions.Where(rendition => rendition.IsPlainVideo).MinBy(rendition => rendition.Height);

    /// <summary>
    /// The rung whose segment 0 this chunk encodes although the fast start publishes it (the chunk drops its own copy), or
    /// null: the fast start itself, and chunks that start later or leave that rung out, publish every segment they make.
    /// </summary>
    public static string? FastStartRepeatedBy(EncodingPlan plan, int firstSegment, int segmentCount, IReadOnlyList<string> rungs)
    {
        if (firstSegment != 0 || FastStartRung(plan) is not { } fastStart || !rungs.Contains(fastStart.Name))
        {
            return null;
        }
        return segmentCount == 1 && rungs.Count == 1 ? null : fastStart.Name;
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
