using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
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
public sealed partial class LiveEndToEndTests(ITestOutputHelper output)
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
        var statuses = new List<string>();
        while (!statuses.Contains("live"))
        {
            var update = await watcher.NextAsync(VideoHub.LiveUpdated, TimeSpan.FromMinutes(1));
            if (statuses.LastOrDefault() != (string?)update.Body["status"])
            {
                statuses.Add((string)update.Body["status"]!);
            }
        }
        Assert.Equal(["connected", "live"], statuses.SkipWhile(status => status == "idle"));

        using var playback = await node.Http.PostAsync($"/v1/live-streams/{stream.Id}/playback", null);
        var url = (await playback.Content.ReadFromJsonAsync<LivePlaybackResponse>())!.Url;
        var master = await GetTextAsync(node, url);
        var rendition = VariantUri().Match(master).Groups[1].Value;
        var mediaUrl = new Uri(new Uri(url), VariantUri().Match(master).Value.Trim()).AbsoluteUri;

        // The playlist advances while the publisher sends: new segments are listed and served.
        var firstLast = LastIndex(await GetTextAsync(node, mediaUrl));
        string playlist;
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(1);
        while (LastIndex(playlist = await GetTextAsync(node, mediaUrl)) <= firstLast)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"the {rendition} playlist did not advance past segment {firstLast}:\n{playlist}");
            await Task.Delay(250);
        }
        Assert.Contains("#EXT-X-PROGRAM-DATE-TIME:", playlist);
        Assert.DoesNotContain("#EXT-X-ENDLIST", playlist);
        var segmentUrl = new Uri(new Uri(mediaUrl), playlist.Split('\n').Last(line => line.EndsWith(".ts", StringComparison.Ordinal) || line.Contains(".ts?", StringComparison.Ordinal))).AbsoluteUri;
        using (var segment = await node.Http.GetAsync(segmentUrl))
        {
            Assert.Equal(HttpStatusCode.OK, segment.StatusCode);
            Assert.Equal("public, max-age=31536000, immutable", segment.Headers.CacheControl?.ToString());
        }
        var keyUrl = new Uri(new Uri(mediaUrl), KeyUri().Match(playlist).Groups[1].Value).AbsoluteUri;
        Assert.Equal(16, (await node.Http.GetByteArrayAsync(keyUrl)).Length);
        var latency = (await node.Http.GetFromJsonAsync<LiveStreamResponse>($"/v1/live-streams/{stream.Id}"))!.Session!.LatencySeconds;
        output.WriteLine($"{rendition}: segments {firstLast}..{LastIndex(playlist)} while live; latency {latency:0.000} s");

        // A player reading the signed URL from the start of the window decodes the stream (it ends with the session).
        var frames = await MediaInspector.CountFramesAsync(url, "v:0", "-live_start_index", "0");
        Assert.True(frames > 25, $"decoded {frames} frames");

        await run.WaitAsync(TimeSpan.FromMinutes(1));
        var ended = await watcher.NextAsync(VideoHub.LiveUpdated, TimeSpan.FromMinutes(1));
        while ((string?)ended.Body["status"] != "ended")
        {
            ended = await watcher.NextAsync(VideoHub.LiveUpdated, TimeSpan.FromMinutes(1));
        }
        Assert.EndsWith("#EXT-X-ENDLIST\n", await GetTextAsync(node, mediaUrl));
        output.WriteLine($"decoded {frames} frames of {PublishSeconds * 25} published; the session ended: {ended.Body["session"]?["endReason"]}");
    }

    private static async Task<string> GetTextAsync(StreamioNode node, string url)
    {
        using var response = await node.Http.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {text}");
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return text;
    }

    private static int LastIndex(string playlist) =>
        SegmentUri().Matches(playlist).Select(match => int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(-1).Max();

    [GeneratedRegex(@"^([^#\s][^.\s]*)\.m3u8\?token=\S+$", RegexOptions.Multiline)]
    private static partial Regex VariantUri();

    [GeneratedRegex(@"/(\d+)\.ts\?token=")]
    private static partial Regex SegmentUri();

    [GeneratedRegex("URI=\"([^\"]+)\"")]
    private static partial Regex KeyUri();
}
