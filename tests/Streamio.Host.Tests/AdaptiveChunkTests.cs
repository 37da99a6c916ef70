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
        await using var node = await StreamioNode.StartAsync(settings =>
        {
            settings.Remove("Streamio:Encoding:MaxSegmentsPerChunk");
            settings["Streamio:Encoding:SegmentsPerChunk"] = "3";
            settings["Streamio:Encoding:SegmentSeconds"] = "2";
            settings["Streamio:Encoding:FirstSegmentSeconds"] = "1";
        });
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
}
