using Streamio.Host.Tests.Progressive;
using Streamio.Testing;

namespace Streamio.Host.Tests;

/// <summary>
/// Issue 14: chunk length follows the cluster's parallelism. A node with two general workers and the default sizing
/// (3 to 15 segments) cuts a 9 s two-rung video (a 1 s first segment, then 2 s ones: five segments) into the fast start
/// and two whole chunks from the start of the timeline, one per worker; the first of them makes segment 0 at the
/// lowest rung again and drops it. Fixed two-segment chunks would have made three FFmpeg runs of them, and segment 0 at
/// the other rung a fourth.
/// </summary>
public sealed class AdaptiveChunkTests
{
    [Fact]
    public async Task A_node_with_two_workers_encodes_a_video_in_two_whole_chunks_and_every_rung_plays_whole()
    {
        await using var node = await StartAsync();
        using var spans = new ChunkWorkSpans();
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 9, Width: 640, Height: 360));

        var uploaded = await node.UploadOkAsync(clip);
        var video = await node.WaitForReadyAsync(uploaded.Id);

        Assert.Equal("ready", video.Status);
        var chunks = spans.Of(uploaded.Id).Select(chunk => (chunk.FirstSegment, chunk.SegmentCount, chunk.Rungs)).Distinct().Order().ToList();
        Assert.Equal([(0, 1, "240p"), (0, 3, "240p,360p"), (3, 2, "240p,360p")], chunks);
        Assert.Equal(9, video.DurationSeconds!.Value, 0.2);
        // Both rungs join without gap or overlap, the lowest one on the fast start's segment: every frame of 9 s at 30 fps decodes.
        var playback = await node.PlaybackUrlAsync(uploaded.Id);
        foreach (var stream in new[] { "v:0", "v:1" })
        {
            Assert.InRange(await MediaInspector.CountFramesAsync(playback, stream), 269, 271);
        }
    }

    /// <summary>
    /// 17 s in 1 s segments with a keyframe every 5 s: two chunks of about 9 segments. Evenly spaced, the second would
    /// start at segment 9 (4 s after the keyframe at 5 s); the probe's keyframe list moves it to segment 10, on the
    /// keyframe at 10 s. With the scan off, the chunks are evenly spaced.
    /// </summary>
    [Theory]
    // A generous wait: on a loaded machine the list may come later than the default 0.5 s past the probe's answer.
    [InlineData("10", 10)]
    [InlineData("0", 9)]
    public async Task The_second_chunk_starts_just_after_a_keyframe_of_the_source_and_the_video_plays_whole(string waitSeconds, int secondStart)
    {
        await using var node = await StartAsync(waitSeconds, segmentSeconds: "1");
        using var spans = new ChunkWorkSpans();
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 17, Width: 640, Height: 360, Gop: 150));

        var uploaded = await node.UploadOkAsync(clip);
        var video = await node.WaitForReadyAsync(uploaded.Id);

        var whole = spans.Of(uploaded.Id).Where(chunk => chunk.Rungs.Contains(',')).Select(chunk => (chunk.FirstSegment, chunk.SegmentCount)).Distinct().Order();
        Assert.Equal([(0, secondStart), (secondStart, 17 - secondStart)], whole);
        var playback = await node.PlaybackUrlAsync(video.Id);
        foreach (var stream in new[] { "v:0", "v:1" })
        {
            Assert.InRange(await MediaInspector.CountFramesAsync(playback, stream), 509, 511);
        }
    }

    /// <summary>The default chunk sizing (3 to 15 segments) on 2 s segments (by default) after a 1 s one.</summary>
    private static Task<StreamioNode> StartAsync(string keyframeWaitSeconds = "0.5", string segmentSeconds = "2") => StreamioNode.StartAsync(settings =>
    {
        settings["Streamio:Encoding:KeyframeWaitSeconds"] = keyframeWaitSeconds;
        settings.Remove("Streamio:Encoding:MaxSegmentsPerChunk");
        settings["Streamio:Encoding:SegmentsPerChunk"] = "3";
        settings["Streamio:Encoding:SegmentSeconds"] = segmentSeconds;
        settings["Streamio:Encoding:FirstSegmentSeconds"] = "1";
    });
}
