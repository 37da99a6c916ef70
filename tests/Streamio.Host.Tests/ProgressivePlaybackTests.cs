using System.Net;
using Streamio.Media;
using Streamio.Testing;

namespace Streamio.Host.Tests;

/// <summary>The stream plays while the rest is still encoding: master, keys and first segments are served and decodable.</summary>
[Collection(SharedNodeCollection.Name)]
public sealed class ProgressivePlaybackTests(SharedNodeFixture fixture)
{
    private StreamioNode Node => fixture.Node;

    [Fact]
    public async Task A_long_video_is_playable_while_it_is_still_encoding()
    {
        // Long enough that encoding (three rungs, 1 s segments) runs for many seconds after the first segment exists.
        var spec = new ClipSpec(DurationSeconds: 60, Width: 854, Height: 480, Gop: 30);
        var clip = await ClipFactory.GetAsync(spec);
        var uploaded = await Node.UploadOkAsync(clip, "long");

        var playable = await Node.WaitForAsync(uploaded.Id, video => video.Playable || video.Status is "ready" or "failed");
        Assert.True(playable.Playable, $"status {playable.Status}: {playable.Error}");
        Assert.Equal("encoding", playable.Status);
        Assert.InRange(playable.Progress, 0, 0.99);

        var url = await Node.PlaybackUrlAsync(uploaded.Id);
        var token = new Uri(url).Query;
        var master = await Node.Http.GetStringAsync(url);
        Assert.Equal(3, master.Split('\n').Count(line => line.StartsWith("#EXT-X-STREAM-INF", StringComparison.Ordinal)));

        var lowest = await Node.Http.GetStringAsync($"/play/{uploaded.Id}/240p.m3u8{token}");
        Assert.Contains("#EXT-X-PLAYLIST-TYPE:EVENT", lowest);
        Assert.DoesNotContain("#EXT-X-ENDLIST", lowest);
        Assert.Contains($"240p/0.ts{token}", lowest);

        var key = await Node.Http.GetByteArrayAsync($"/keys/{uploaded.Id}/240p{token}");
        var encrypted = await Node.Http.GetByteArrayAsync($"/play/{uploaded.Id}/240p/0.ts{token}");
        using var scratch = new TempDirectory();
        var first = Path.Combine(scratch.Path, "0.ts");
        await File.WriteAllBytesAsync(first, SegmentCipher.Decrypt(encrypted, key, 0));
        Assert.InRange(await MediaInspector.CountFramesAsync(first), 29, 31);

        var audio = await Node.Http.GetStringAsync($"/play/{uploaded.Id}/audio.m3u8{token}");
        Assert.Contains($"audio/0.ts{token}", audio);

        // FFmpeg's own HLS client plays the live (EVENT) playlist from its start.
        var frames = await MediaInspector.CountFramesAsync($"{Node.BaseAddress}play/{uploaded.Id}/240p.m3u8{token}", "v:0", "-live_start_index", "0");
        Assert.True(frames >= 30, $"decoded {frames} frames while encoding");

        // Deleting mid-encode stops the work and leaves nothing behind.
        Assert.Equal(HttpStatusCode.NoContent, (await Node.Http.DeleteAsync($"/v1/videos/{uploaded.Id}")).StatusCode);
        await PipelineTests.AssertEventuallyGoneAsync(Node, uploaded.Id);
    }
}
