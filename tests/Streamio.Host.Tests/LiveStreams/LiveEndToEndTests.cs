using System.Net;
using System.Net.Http.Json;
using Streamio.Abstractions.Wire;
using Streamio.Host.Live;
using Streamio.Testing;
using Xunit.Abstractions;

namespace Streamio.Host.Tests.LiveStreams;

/// <summary>
/// A publisher through the silo's real publish handler (what the RTMP and SRT servers hand accepted connections to), fed
/// by FFmpeg in real time, watched over the whole surface: SignalR statuses, the live playlist advancing, segments and
/// keys served with their cache headers, FFmpeg's HLS demuxer decoding the tokenized live URL, and the session ending.
/// </summary>
public sealed class LiveEndToEndTests(ITestOutputHelper output)
{
    private const int PublishSeconds = 12;

    [Fact]
    public async Task A_published_stream_goes_live_plays_over_its_signed_urls_and_ends()
    {
        await using var node = await LiveNode.StartAsync();
        var stream = await LiveStreamApiTests.CreateAsync(node.Http, new { title = "end to end", record = false });
        await using var watcher = await HubWatcher.ConnectAsync(node.BaseAddress);
        await watcher.SubscribeLiveAsync(stream.Id);
        using var publisher = TestPublisher.Start(PublishSeconds);
        var run = LiveNode.PublishAsync(node, stream.Id, stream.StreamKey!, publisher);

        // Statuses arrive over SignalR in order: (idle, as subscribed,) connected, then live.
        var statuses = await watcher.LiveStatusesUntilAsync("live", TimeSpan.FromMinutes(1));
        Assert.Equal(["connected", "live"], statuses.SkipWhile(status => status == "idle"));

        var (url, mediaUrl, rendition) = await LiveHls.PlaylistUrlsAsync(node, stream.Id);

        // The playlist advances while the publisher sends: new segments are listed and served.
        var firstLast = LiveHls.LastIndex(await LiveHls.GetTextAsync(node, mediaUrl));
        var playlist = await LiveHls.WaitForSegmentAfterAsync(node, mediaUrl, firstLast);
        Assert.Contains("#EXT-X-PROGRAM-DATE-TIME:", playlist);
        Assert.DoesNotContain("#EXT-X-ENDLIST", playlist);
        var segmentUrl = LiveHls.LastSegment(mediaUrl, playlist).Url;
        using (var segment = await node.Http.GetAsync(segmentUrl))
        {
            Assert.Equal(HttpStatusCode.OK, segment.StatusCode);
            Assert.Equal("public, max-age=31536000, immutable", segment.Headers.CacheControl?.ToString());
        }
        var keyUrl = LiveHls.KeyUrl(mediaUrl, playlist);
        Assert.Equal(16, (await node.Http.GetByteArrayAsync(keyUrl)).Length);
        var latency = (await node.Http.GetFromJsonAsync<LiveStreamResponse>($"/v1/live-streams/{stream.Id}"))!.Session!.LatencySeconds;
        output.WriteLine($"{rendition}: segments {firstLast}..{LiveHls.LastIndex(playlist)} while live; latency {latency:0.000} s");

        // A player reading the signed URL from the start of the window decodes the stream (it ends with the session).
        var frames = await MediaInspector.CountFramesAsync(url, "v:0", "-live_start_index", "0");
        Assert.True(frames > 25, $"decoded {frames} frames");

        await run.WaitAsync(TimeSpan.FromMinutes(1));
        var ended = await watcher.NextAsync(VideoHub.LiveUpdated, TimeSpan.FromMinutes(1));
        while ((string?)ended.Body["status"] != "ended")
        {
            ended = await watcher.NextAsync(VideoHub.LiveUpdated, TimeSpan.FromMinutes(1));
        }
        Assert.EndsWith("#EXT-X-ENDLIST\n", await LiveHls.GetTextAsync(node, mediaUrl));
        output.WriteLine($"decoded {frames} frames of {PublishSeconds * 25} published; the session ended: {ended.Body["session"]?["endReason"]}");
    }
}
