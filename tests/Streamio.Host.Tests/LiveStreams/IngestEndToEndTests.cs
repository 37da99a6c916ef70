using System.Net.Http.Json;
using Streamio.Abstractions.Wire;
using Streamio.Media;
using Streamio.Testing;
using Xunit.Abstractions;

namespace Streamio.Host.Tests.LiveStreams;

/// <summary>
/// One node whose real RTMP and SRT servers take FFmpeg publishers: 1 s segments, a 4 s reconnect grace, and SRT
/// noticing a vanished publisher after 1 s of silence (libsrt itself waits about 5 s at least).
/// </summary>
public sealed class IngestNodeFixture : IAsyncLifetime
{
    public const int GraceSeconds = 4;

    public StreamioNode Node { get; private set; } = null!;

    public async Task InitializeAsync() => Node = await StreamioNode.StartAsync(settings =>
    {
        settings["Streamio:Live:SegmentSeconds"] = "1";
        settings["Streamio:Live:ReconnectGraceSeconds"] = GraceSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Streamio:Live:Preset"] = "ultrafast";
        settings["Streamio:Live:Srt:PeerIdleTimeoutSeconds"] = "1";
    });

    public async Task DisposeAsync() => await Node.DisposeAsync();
}

/// <summary>
/// FFmpeg publishing in real time to the URLs the API hands out, through the node's RTMP and SRT servers: the stream
/// watched while it runs, a wrong key, a reconnect within the grace, a publisher killed for good, and the recording
/// played to the end.
/// </summary>
public sealed class IngestEndToEndTests(IngestNodeFixture fixture, ITestOutputHelper output) : IClassFixture<IngestNodeFixture>
{
    private const int FramesPerSecond = 25;

    private StreamioNode Node => fixture.Node;

    [Fact]
    public async Task An_rtmp_publisher_goes_live_is_watched_while_it_runs_and_its_recording_plays_to_the_end()
    {
        const int seconds = 8;
        var stream = await LiveStreamApiTests.CreateAsync(Node.Http, new { title = "rtmp end to end", record = true });
        await using var watcher = await HubWatcher.ConnectAsync(Node.BaseAddress);
        await watcher.SubscribeLiveAsync(stream.Id);
        using var publisher = TestPublisher.StartTo($"{stream.RtmpUrl}/{stream.StreamKey}", seconds);

        // SignalR: (idle, as subscribed,) connected, then live.
        var statuses = await watcher.LiveStatusesUntilAsync("live", TimeSpan.FromMinutes(1));
        Assert.Equal(["connected", "live"], statuses.SkipWhile(status => status == "idle"));
        var live = await GetAsync(stream.Id);
        Assert.Equal("live", live.Status);
        Assert.Equal("rtmp", live.Session!.Protocol);

        // The live playlist advances while FFmpeg sends, and its newest segment decrypts with its key and decodes.
        var (_, mediaUrl, rendition) = await LiveHls.PlaylistUrlsAsync(Node, stream.Id);
        var before = LiveHls.LastIndex(await LiveHls.GetTextAsync(Node, mediaUrl));
        var playlist = await LiveHls.WaitForSegmentAfterAsync(Node, mediaUrl, before);
        Assert.DoesNotContain("#EXT-X-ENDLIST", playlist);
        var frames = await DecodeSegmentAsync(mediaUrl, playlist);
        Assert.True(frames > 0, $"the newest {rendition} segment decoded to {frames} frames");
        var latency = await WaitForAsync(stream.Id, view => view.Session?.LatencySeconds is not null, "a latency");
        output.WriteLine($"{rendition}: segments {before}..{LiveHls.LastIndex(playlist)} while live; the newest decoded to {frames} frames; latency {latency.Session!.LatencySeconds:0.000} s");

        // FFmpeg ends by itself; after the grace the session ends and the recording becomes a ready video.
        Assert.Equal(0, await publisher.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        var ended = await WaitForAsync(stream.Id, view => view.Status == "ended", "ended");
        Assert.EndsWith("#EXT-X-ENDLIST\n", await LiveHls.GetTextAsync(Node, mediaUrl));
        await AssertRecordingPlaysAsync(ended, seconds * FramesPerSecond);
    }

    [Fact]
    public async Task An_srt_publisher_goes_live_its_playlist_advances_and_it_ends()
    {
        var stream = await LiveStreamApiTests.CreateAsync(Node.Http, new { title = "srt end to end", record = false });
        using var publisher = TestPublisher.StartTo(stream.SrtUrl + "&latency=120000", seconds: 6);

        var live = await WaitForAsync(stream.Id, view => view.Status == "live", "live");
        Assert.Equal("srt", live.Session!.Protocol);
        var (_, mediaUrl, rendition) = await LiveHls.PlaylistUrlsAsync(Node, stream.Id);
        var before = LiveHls.LastIndex(await LiveHls.GetTextAsync(Node, mediaUrl));
        var playlist = await LiveHls.WaitForSegmentAfterAsync(Node, mediaUrl, before);
        output.WriteLine($"{rendition}: segments {before}..{LiveHls.LastIndex(playlist)} while live");

        Assert.Equal(0, await publisher.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        var ended = await WaitForAsync(stream.Id, view => view.Status == "ended", "ended");
        Assert.Equal(live.Session.Id, ended.Session!.Id);
        Assert.Empty(ended.RecordingVideoIds);
        Assert.EndsWith("#EXT-X-ENDLIST\n", await LiveHls.GetTextAsync(Node, mediaUrl));
    }

    [Fact]
    public async Task A_wrong_key_fails_the_publisher_over_rtmp_and_srt_and_leaves_the_stream_idle_with_nothing_stored()
    {
        var stream = await LiveStreamApiTests.CreateAsync(Node.Http, new { title = "wrong key", record = true });
        var wrongKey = "live_" + new string('x', 43);
        var objects = Path.Combine(Node.DataPath, "objects");
        var storedBefore = StoredFiles(objects);
        using var rtmp = TestPublisher.StartTo($"{stream.RtmpUrl}/{wrongKey}", seconds: 4, width: 320, height: 180);
        using var srt = TestPublisher.StartTo(stream.SrtUrl!.Replace(Uri.EscapeDataString(stream.StreamKey!), wrongKey, StringComparison.Ordinal), seconds: 4, width: 320, height: 180);

        var rtmpExit = await rtmp.WaitForExitAsync(TimeSpan.FromMinutes(1));
        var srtExit = await srt.WaitForExitAsync(TimeSpan.FromMinutes(1));
        output.WriteLine($"rtmp: exit {rtmpExit}: {rtmp.Errors}\nsrt: exit {srtExit}: {srt.Errors}");
        Assert.NotEqual(0, rtmpExit);
        Assert.NotEqual(0, srtExit);

        var after = await GetAsync(stream.Id);
        Assert.Equal("idle", after.Status);
        Assert.Null(after.Session);
        Assert.Empty(after.RecordingVideoIds);
        Assert.Empty(StoredFiles(objects).Except(storedBefore));
    }

    [Fact]
    public async Task An_rtmp_publisher_killed_and_back_within_the_grace_continues_the_session_as_a_second_leg()
    {
        var stream = await LiveStreamApiTests.CreateAsync(Node.Http, new { title = "rtmp reconnect", record = false });
        var url = $"{stream.RtmpUrl}/{stream.StreamKey}";
        string sessionId;
        using (var first = TestPublisher.StartTo(url, seconds: 30))
        {
            var live = await WaitForAsync(stream.Id, view => view.Status == "live", "live");
            sessionId = live.Session!.Id;
            var (_, media, _) = await LiveHls.PlaylistUrlsAsync(Node, stream.Id);
            await LiveHls.WaitForSegmentAfterAsync(Node, media, 1);
            first.Kill();
        }

        // The stream refuses a second publisher until the killed one's leg is closed (its FFmpeg flushed, the last
        // segments stored), which may outlast a quick restart on a busy machine: like OBS, the publisher tries again.
        var second = TestPublisher.StartTo(url, seconds: 4);
        try
        {
            LiveStreamResponse back;
            var attempts = 1;
            var giveUpAt = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(1);
            while ((back = await GetAsync(stream.Id)).Session?.Legs != 2)
            {
                Assert.True(back.Status != "ended" && DateTimeOffset.UtcNow < giveUpAt, $"no second leg after {attempts} attempts: {back.Status}, legs {back.Session?.Legs}, ended by {back.Session?.EndReason}; FFmpeg: {second.Errors}");
                if (second.HasExited)
                {
                    second.Dispose();
                    second = TestPublisher.StartTo(url, seconds: 4);
                    attempts++;
                }
                await Task.Delay(200);
            }
            output.WriteLine($"the second leg came on attempt {attempts}");
            Assert.Equal(sessionId, back.Session!.Id);
            Assert.NotEqual("ended", back.Status);
            var (_, mediaUrl, _) = await LiveHls.PlaylistUrlsAsync(Node, stream.Id);
            var playlist = await LiveHls.GetTextAsync(Node, mediaUrl);
            var deadline = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(1);
            while (!playlist.Contains("#EXT-X-DISCONTINUITY\n", StringComparison.Ordinal))
            {
                Assert.True(DateTimeOffset.UtcNow < deadline, $"no discontinuity after the reconnect:\n{playlist}");
                await Task.Delay(250);
                playlist = await LiveHls.GetTextAsync(Node, mediaUrl);
            }

            Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromMinutes(1)));
            var ended = await WaitForAsync(stream.Id, view => view.Status == "ended", "ended");
            Assert.Equal(sessionId, ended.Session!.Id);
            Assert.Equal(2, ended.Session.Legs);
        }
        finally
        {
            second.Dispose();
        }
    }

    [Fact]
    public async Task An_srt_publisher_killed_for_good_ends_after_the_grace_and_its_recording_is_kept()
    {
        var stream = await LiveStreamApiTests.CreateAsync(Node.Http, new { title = "srt killed", record = true });
        using (var publisher = TestPublisher.StartTo(stream.SrtUrl + "&latency=120000", seconds: 30))
        {
            await WaitForAsync(stream.Id, view => view.Status == "live", "live");
            var (_, media, _) = await LiveHls.PlaylistUrlsAsync(Node, stream.Id);
            await LiveHls.WaitForSegmentAfterAsync(Node, media, 2);
            publisher.Kill();
        }

        var ended = await WaitForAsync(stream.Id, view => view.Status == "ended", "ended");
        Assert.Equal(1, ended.Session!.Legs);
        await AssertRecordingPlaysAsync(ended, publishedFrames: null);
    }

    /// <summary>The session's recording becomes ready with a poster and storyboard, and its HLS decodes to the end.</summary>
    private async Task AssertRecordingPlaysAsync(LiveStreamResponse ended, int? publishedFrames)
    {
        var videoId = Assert.Single(ended.RecordingVideoIds);
        Assert.Equal(videoId, ended.Session!.RecordingVideoId);
        var video = await Node.WaitForReadyAsync(videoId);
        Assert.Equal("ready", video.Status);
        Assert.NotNull(video.ThumbnailUrl);
        Assert.NotNull(video.StoryboardUrl);
        foreach (var url in (string[])[video.ThumbnailUrl, video.StoryboardUrl])
        {
            using var response = await Node.Http.GetAsync(url);
            Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode}");
        }
        var frames = await MediaInspector.CountFramesAsync(await Node.PlaybackUrlAsync(videoId));
        output.WriteLine($"recording {videoId}: {video.DurationSeconds:0.00} s, {frames} frames decoded" + (publishedFrames is { } published ? $" of {published} published" : ""));
        Assert.True(frames >= 2 * FramesPerSecond, $"the recording decoded to {frames} frames");
        if (publishedFrames is { } expected)
        {
            Assert.InRange(frames, expected * 9 / 10, expected + FramesPerSecond);
        }
    }

    /// <summary>Fetches the playlist's newest segment and its key, decrypts it (IV = its index) and counts its frames.</summary>
    private async Task<int> DecodeSegmentAsync(string mediaUrl, string playlist)
    {
        var (segmentUrl, index) = LiveHls.LastSegment(mediaUrl, playlist);
        var key = await Node.Http.GetByteArrayAsync(LiveHls.KeyUrl(mediaUrl, playlist));
        var encrypted = await Node.Http.GetByteArrayAsync(segmentUrl);
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, $"{index}.ts");
        await File.WriteAllBytesAsync(path, SegmentCipher.Decrypt(encrypted, key, index));
        return await MediaInspector.CountFramesAsync(path);
    }

    private static HashSet<string> StoredFiles(string folder) =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToHashSet() : [];

    private async Task<LiveStreamResponse> GetAsync(string id) =>
        (await Node.Http.GetFromJsonAsync<LiveStreamResponse>($"/v1/live-streams/{id}"))!;

    private async Task<LiveStreamResponse> WaitForAsync(string id, Func<LiveStreamResponse, bool> done, string what)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            var stream = await GetAsync(id);
            if (done(stream))
            {
                return stream;
            }
            Assert.True(DateTimeOffset.UtcNow < deadline, $"live stream {id} never showed {what}; last: {stream.Status}, session {stream.Session?.Id} legs {stream.Session?.Legs} ended by {stream.Session?.EndReason}");
            await Task.Delay(200);
        }
    }
}
