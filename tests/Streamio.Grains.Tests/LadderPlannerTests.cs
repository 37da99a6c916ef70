using Streamio.Grains.Planning;
using Streamio.Abstractions.Videos;
using Streamio.Grains.Videos;
using Streamio.Media;

namespace Streamio.Grains.Tests;

public sealed class LadderPlannerTests
{
    private static readonly IReadOnlyList<Rung> Ladder = EncodingOptions.DefaultLadder;

    [Fact]
    public void A_1080p_source_gets_every_rung_up_to_1080p_lowest_first()
    {
        var rungs = LadderPlanner.Rungs(Ladder, 1920, 1080);
        Assert.Equal(["360p", "480p", "720p", "1080p"], rungs.Select(rung => rung.Name));
        Assert.Equal([640, 854, 1280, 1920], rungs.Select(rung => rung.Width));
    }

    [Fact]
    public void A_source_between_rungs_is_never_upscaled()
    {
        var rungs = LadderPlanner.Rungs(Ladder, 1000, 600);
        Assert.Equal(["360p", "480p"], rungs.Select(rung => rung.Name));
        Assert.All(rungs, rung => Assert.True(rung.Height <= 600));
    }

    [Fact]
    public void Widths_follow_the_source_aspect_and_stay_even()
    {
        var portrait = LadderPlanner.Rungs(Ladder, 1080, 1920);
        Assert.Contains(portrait, rung => rung is { Name: "1080p", Width: 608, Height: 1080 });
        Assert.All(portrait, rung => Assert.Equal(0, rung.Width % 2));
    }

    [Fact]
    public void A_source_smaller_than_the_lowest_rung_gets_one_rendition_at_its_own_size()
    {
        var rung = Assert.Single(LadderPlanner.Rungs(Ladder, 320, 180));
        Assert.Equal((320, 180, "180p", 800), (rung.Width, rung.Height, rung.Name, rung.VideoKbps));
    }

    [Theory]
    [InlineData(60.0, 4.0, 15)]
    [InlineData(60.02, 4.0, 16)]
    [InlineData(59.9995, 4.0, 15)]
    [InlineData(0.5, 4.0, 1)]
    public void The_timeline_is_cut_into_whole_segments(double duration, double segment, int expected) =>
        Assert.Equal(expected, LadderPlanner.SegmentCount(duration, segment));

    [Fact]
    public void Chunks_start_with_the_first_segment_at_the_lowest_rung_then_cover_every_segment_of_every_rung_once()
    {
        var rungs = LadderPlanner.Rungs(Ladder, 1920, 1080);
        var chunks = LadderPlanner.Chunks(15, 3, rungs);

        Assert.Equal(new ChunkTask(0, 1, ["360p"], true), chunks[0] with { Rungs = chunks[0].Rungs.ToList() }, new ChunkComparer());
        Assert.All(chunks.Skip(1), chunk => Assert.Equal((4, false), (chunk.Rungs.Count, chunk.FastStart)));
        Assert.Equal([0, 3, 6, 9, 12], chunks.Skip(1).Select(chunk => chunk.FirstSegment));
        // The first whole chunk makes segment 0 at the lowest rung again and drops it: what is published is each once.
        var plan = new EncodingPlan(4, 15, rungs.Select(rung => new RenditionPlan(rung.Name, rung.Width, rung.Height, rung.VideoKbps, false)).ToList());
        var published = chunks.SelectMany(chunk => chunk.Rungs.SelectMany(rung => Enumerable.Range(chunk.FirstSegment, chunk.SegmentCount)
            .Where(segment => segment != 0 || rung != LadderPlanner.FastStartRepeatedBy(plan, chunk.FirstSegment, chunk.SegmentCount, chunk.Rungs))
            .Select(segment => (rung, segment)))).ToList();
        Assert.Equal(15 * 4, published.Count);
        Assert.Equal(published.Count, published.Distinct().Count());
    }

    [Fact]
    public void Only_a_whole_chunk_that_holds_the_lowest_rungs_segment_0_repeats_the_fast_start()
    {
        var plan = LadderPlanner.Plan(new EncodingOptions(), new SourceFacts("mov", 30, 1920, 1080, 30, HasAudio: true));
        string[] all = ["360p", "480p", "720p", "1080p"];
        Assert.Equal("360p", LadderPlanner.FastStartRung(plan)!.Name);
        Assert.Equal("360p", LadderPlanner.FastStartRepeatedBy(plan, 0, 4, all));
        Assert.Equal("360p", LadderPlanner.FastStartRepeatedBy(plan, 0, 1, all));
        Assert.Null(LadderPlanner.FastStartRepeatedBy(plan, 0, 1, ["360p"]));
        Assert.Null(LadderPlanner.FastStartRepeatedBy(plan, 1, 4, all));
        Assert.Null(LadderPlanner.FastStartRepeatedBy(plan, 0, 4, ["720p", "1080p"]));
    }

    [Fact]
    public void A_chunk_start_moves_to_the_boundary_closest_after_a_keyframe_within_an_eighth_of_a_chunk()
    {
        // 60 s at 4 s segments after a 1 s one: boundaries at 0, 1, 5, 9, …; keyframes every 10 s. Evenly spaced, the
        // second chunk would start at segment 8 (29 s: 9 s decoded for nothing); within one segment of it, segment 9
        // (33 s) is 3 s after one (segment 6, at 21 s, would be 1 s after one, but two segments away).
        var plan = LadderPlanner.Plan(new EncodingOptions(), new SourceFacts("mov", 60, 1920, 1080, 30, HasAudio: true));
        double[] keyframes = [0, 10, 20, 30, 40, 50];
        Assert.Equal(16, plan.SegmentCount);
        Assert.Equal([0, 8], LadderPlanner.ChunkStarts(16, 8, 0, plan.SegmentStart, keyframes: null));
        Assert.Equal([0, 9], LadderPlanner.ChunkStarts(16, 8, 0, plan.SegmentStart, keyframes));
        Assert.Equal(9, LadderPlanner.DecodedForNothing(plan.SegmentStart(8), keyframes), 6);
        Assert.Equal(3, LadderPlanner.DecodedForNothing(plan.SegmentStart(9), keyframes), 6);

        var rungs = LadderPlanner.Rungs(Ladder, 1920, 1080);
        var chunks = LadderPlanner.Chunks(16, 8, rungs, plan.SegmentStart, keyframes).Skip(1).ToList();
        Assert.Equal([(0, 9), (9, 7)], chunks.Select(chunk => (chunk.FirstSegment, chunk.SegmentCount)));
    }

    [Fact]
    public void Chunk_starts_stay_in_order_and_inside_the_timeline_and_ties_keep_the_even_spacing()
    {
        Func<int, double> start = segment => segment * 2.0;
        // Every boundary is on a keyframe: nothing to gain, the even spacing stays; nor does it move for less than a second.
        Assert.Equal([0, 8, 16], LadderPlanner.ChunkStarts(20, 8, 0, start, [.. Enumerable.Range(0, 20).Select(i => i * 2.0)]));
        Assert.Equal([0, 8], LadderPlanner.ChunkStarts(16, 8, 0, start, [0, 14.5, 17.2]));
        Assert.Equal([0, 7], LadderPlanner.ChunkStarts(16, 8, 0, start, [0, 14, 14.5]));
        // Segment 10, just after the keyframe at 19.5 s, is the timeline's end, never a start: the least decoded within
        // reach is at segment 8. Chunks shorter than 8 segments never move.
        Assert.Equal([0, 8], LadderPlanner.ChunkStarts(10, 9, 0, start, [0, 19.5]));
        Assert.Equal([0, 7], LadderPlanner.ChunkStarts(14, 7, 0, start, [0, 13]));
        // Many chunks, keyframes every 7 s: every start lies within one segment of its even place, in order.
        var starts = LadderPlanner.ChunkStarts(100, 8, 0, start, [.. Enumerable.Range(0, 30).Select(i => i * 7.0)]);
        Assert.Equal(13, starts.Count);
        Assert.All(starts.Select((first, i) => (first, even: i * 8)), pair => Assert.InRange(pair.first, pair.even - 1, pair.even + 1));
        Assert.Contains(starts, first => first % 8 != 0);
        Assert.Equal(starts.Order(), starts);
        Assert.Equal(starts.Count, starts.Distinct().Count());
    }

    [Theory]
    [InlineData(29, 9)]
    [InlineData(30, 0)]
    [InlineData(5, 5)]
    [InlineData(0, 0)]
    public void Decoded_for_nothing_is_the_time_since_the_last_keyframe_at_or_before_the_start(double start, double expected) =>
        Assert.Equal(expected, LadderPlanner.DecodedForNothing(start, [0, 10, 20, 30]), 6);

    [Fact]
    public void Without_a_keyframe_before_the_start_everything_before_it_is_decoded() =>
        Assert.Equal(4, LadderPlanner.DecodedForNothing(4, [5, 10]), 6);

    [Fact]
    public void A_single_rung_video_has_its_whole_chunks_after_the_fast_start()
    {
        var chunks = LadderPlanner.Chunks(2, 3, [new Rung("180p", 320, 180, 800)]);
        Assert.Equal([(0, 1), (1, 1)], chunks.Select(chunk => (chunk.FirstSegment, chunk.SegmentCount)));
    }

    [Fact]
    public void The_plan_adds_an_audio_rendition_only_when_the_source_has_audio()
    {
        var options = new EncodingOptions();
        var withAudio = LadderPlanner.Plan(options, new SourceFacts("mov", 10, 1280, 720, 30, HasAudio: true));
        var silent = LadderPlanner.Plan(options, new SourceFacts("mov", 10, 1280, 720, 30, HasAudio: false));

        Assert.Equal(["360p", "480p", "720p", "audio"], withAudio.Renditions.Select(r => r.Name));
        Assert.Equal(128, withAudio.Renditions[^1].BitrateKbps);
        Assert.DoesNotContain(silent.Renditions, r => r.IsAudio);
        // 10 s: a 1 s first segment, then 4 s, 4 s and the last 1 s.
        Assert.Equal(4, withAudio.SegmentCount);
    }

    [Theory]
    [InlineData(10.0, 1.0, 4.0, 4)]
    [InlineData(9.0, 1.0, 4.0, 3)]
    [InlineData(0.8, 1.0, 4.0, 1)]
    [InlineData(1.0, 1.0, 4.0, 1)]
    [InlineData(60.0, 4.0, 4.0, 15)]
    public void A_short_first_segment_is_one_more_cut_of_the_timeline(double duration, double first, double segment, int expected) =>
        Assert.Equal(expected, LadderPlanner.SegmentCount(duration, first, segment));

    [Fact]
    public void Segment_starts_follow_the_short_first_segment_and_chunks_join_on_them()
    {
        var plan = LadderPlanner.Plan(new EncodingOptions { FirstSegmentSeconds = 1 }, new SourceFacts("mov", 30, 1920, 1080, 30, HasAudio: true));
        Assert.Equal(1, plan.FirstSeconds);
        Assert.Equal([0.0, 1, 5, 9, 13], Enumerable.Range(0, 5).Select(plan.SegmentStart));
        Assert.Equal([0, 0, 1, 1, 2, 7, 8], new[] { 0, 0.99, 1, 4.99, 5, 25, 29.9 }.Select(seconds => SegmentTimeline.At(plan.FirstSegmentSeconds, plan.SegmentSeconds, seconds)));
        // Every chunk starts where the previous one ends.
        var rungs = LadderPlanner.Rungs(Ladder, 1920, 1080);
        var chunks = LadderPlanner.Chunks(plan.SegmentCount, 3, rungs).Skip(1).ToList();
        Assert.Equal(0, chunks[0].FirstSegment);
        for (var i = 1; i < chunks.Count; i++)
        {
            Assert.Equal(plan.SegmentStart(chunks[i - 1].FirstSegment + chunks[i - 1].SegmentCount), plan.SegmentStart(chunks[i].FirstSegment));
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(4.0)]
    [InlineData(9.0)]
    [InlineData(-1.0)]
    public void A_first_segment_out_of_range_means_whole_segments(double first)
    {
        var plan = LadderPlanner.Plan(new EncodingOptions { FirstSegmentSeconds = first }, new SourceFacts("mov", 10, 1280, 720, 30, HasAudio: false));
        Assert.Equal((4.0, 3), (plan.FirstSeconds, plan.SegmentCount));
    }

    [Fact]
    public void Forensic_plans_keep_whole_segments()
    {
        var plan = LadderPlanner.WholeSegments(LadderPlanner.Plan(new EncodingOptions(), new SourceFacts("mov", 10, 1280, 720, 30, HasAudio: false)), 10);
        Assert.Equal((4.0, 3, 8.0), (plan.FirstSeconds, plan.SegmentCount, plan.SegmentStart(2)));
    }

    [Fact]
    public void A_configured_ladder_replaces_the_default()
    {
        var options = new EncodingOptions { Ladder = [new Rung("540p", 960, 540, 2000)] };
        var plan = LadderPlanner.Plan(options, new SourceFacts("mov", 10, 1920, 1080, 30, HasAudio: false));
        Assert.Equal(["540p"], plan.Renditions.Select(r => r.Name));
    }

    private sealed class ChunkComparer : IEqualityComparer<ChunkTask>
    {
        public bool Equals(ChunkTask? x, ChunkTask? y) =>
            x is not null && y is not null && x.FirstSegment == y.FirstSegment && x.SegmentCount == y.SegmentCount
            && x.FastStart == y.FastStart && x.Rungs.SequenceEqual(y.Rungs);

        public int GetHashCode(ChunkTask obj) => obj.FirstSegment;
    }

    [Theory]
    [InlineData(15, 2, 3, 15, 8)] // one node, two workers: the 15 segments in two chunks
    [InlineData(14, 2, 3, 15, 7)]
    [InlineData(15, 1, 3, 15, 15)]
    [InlineData(15, 8, 3, 15, 3)] // many workers: never shorter than the shortest
    [InlineData(901, 2, 3, 15, 15)] // an hour at 4 s: never longer than the longest
    [InlineData(15, 2, 3, 3, 3)] // shortest = longest: fixed-length chunks, as before
    [InlineData(1, 2, 3, 15, 3)]
    [InlineData(15, 0, 3, 15, 15)] // no worker known yet: as one
    public void Chunks_are_about_one_per_worker_between_the_shortest_and_the_longest(int segments, int workers, int shortest, int longest, int expected)
    {
        Assert.Equal(expected, LadderPlanner.SegmentsPerChunk(segments, workers, shortest, longest));
    }
}

