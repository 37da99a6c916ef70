using Streamio.Host.Tests.Progressive;
using Streamio.Testing;

namespace Streamio.Host.Tests;

/// <summary>
/// Issue 14: chunk length follows the cluster's parallelism. A node with two general workers and the default sizing
/// (3 to 15 segments) cuts a 9-segment video into the fast start, the other rungs' first segment, and two chunks of
/// four segments, one per worker; fixed two-segment chunks would have made four FFmpeg runs of them.
/// </summary>
public sealed class AdaptiveChunkTests
{
    [Fact]
    public async Task A_node_with_two_workers_encodes_the_rest_of_a_video_in_two_chunks_and_it_plays_whole()
    {
        await using var node = await StreamioNode.StartAsync(settings =>
        {
            settings.Remove("Streamio:Encoding:MaxSegmentsPerChunk");
            settings["Streamio:Encoding:SegmentsPerChunk"] = "3";
        });
        using var spans = new ChunkWorkSpans();
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 9));

        var uploaded = await node.UploadOkAsync(clip);
        var video = await node.WaitForReadyAsync(uploaded.Id);

        Assert.Equal("ready", video.Status);
        var whole = spans.Of(uploaded.Id).Where(chunk => chunk.FirstSegment > 0).Select(chunk => (chunk.FirstSegment, chunk.SegmentCount)).Distinct().Order().ToList();
        Assert.Equal([(1, 4), (5, 4)], whole);
        Assert.Equal(9, video.DurationSeconds!.Value, 0.2);
        // The long chunks join the fast start's segment without gap or overlap: every frame of 9 s at 30 fps decodes.
        var frames = await MediaInspector.CountFramesAsync(await node.PlaybackUrlAsync(uploaded.Id), "v:0");
        Assert.InRange(frames, 269, 271);
    }
}
