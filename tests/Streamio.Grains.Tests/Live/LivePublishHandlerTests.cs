using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Xunit.Abstractions;
using Streamio.Abstractions.Live;
using Streamio.Abstractions.Videos;
using Streamio.Grains.Tests.Videos;
using Streamio.Grains.Videos;
using Streamio.Ingest;
using Streamio.Media;
using Streamio.Storage;
using Streamio.Testing;

namespace Streamio.Grains.Tests.Live;

/// <summary>
/// The real publish handler on a silo, fed by a stand-in for the SRT server: an FFmpeg process writing MPEG-TS in real
/// time (<c>-re</c>) to its stdout, handed over as the session's media stream.
/// </summary>
[Collection(VideoClusterCollection.Name)]
public sealed class LivePublishHandlerTests(VideoClusterFixture fixture, ITestOutputHelper output)
{
    private const int PublishSeconds = 8;

    [Fact]
    public async Task A_publisher_is_encoded_live_with_its_latency_measured_and_its_recording_becomes_a_ready_video_that_plays_to_the_end()
    {
        var (stream, created) = await CreateAsync(record: true);
        var handler = Handler();
        var storage = Storage;
        using var scratch = new TempDirectory("streamio-live-");
        using var publisher = StartPublisher();
        try
        {
            var run = handler.RunAsync(Session(created, publisher), CancellationToken.None);

            // Segments appear in the playlist while the publisher still sends.
            var live = await LiveWaits.ForAsync(stream, view => view.Status == LiveStatus.Live && view.Session!.LatencySeconds is not null);
            var window = (await stream.GetPlaylistAsync("360p"))!;
            Assert.False(publisher.HasExited, "the playlist should fill while the publisher sends");
            Assert.False(window.Ended);
            Assert.Equal(["240p", "360p", "audio"], live.Session!.Renditions.Select(rendition => rendition.Name).Order());
            Assert.True(live.Session.LatencySeconds > 0, $"latency {live.Session.LatencySeconds}");
            // The latency at 360p while the publisher sends: a frame cannot be listed before it arrived.
            var latencies = new List<double>();
            while (!publisher.HasExited)
            {
                latencies.Add((await stream.GetAsync())!.Session!.LatencySeconds!.Value);
                await Task.Delay(250);
            }
            // The leg's clock counts media seconds from the first byte; a real-time publisher (FFmpeg -re) may run a frame
            // or two ahead of it (seen: the last segment at -0.02 s), so a reading may dip that far below zero, not more.
            Assert.All(latencies, latency => Assert.True(latency > -0.1, $"latency {latency}"));
            Assert.True(latencies.Order().ElementAt(latencies.Count / 2) > 0, $"median latency {latencies.Order().ElementAt(latencies.Count / 2)}");
            output.WriteLine($"360p latency over {latencies.Count} readings: first {latencies[0]:0.000} s, median {latencies.Order().ElementAt(latencies.Count / 2):0.000} s, max {latencies.Max():0.000} s");
            var first = scratch.Combine("first.ts");
            await DecryptAsync(storage, $"{window.StoragePrefix}{window.Segments[0].Index}.ts", (await stream.GetKeyAsync(window.SessionId, "360p"))!, 0, first);
            Assert.Equal((640, 360), await MediaInspector.VideoSizeAsync(first));

            // The publisher ends: FFmpeg flushes, the grace passes, the session ends and its recording is made.
            await run.WaitAsync(LiveWaits.Patience);
            var ended = await LiveWaits.ForAsync(stream, view => view.Status == LiveStatus.Ended && view.Session!.RecordingVideoId is not null);
            Assert.True((await stream.GetPlaylistAsync("360p"))!.Ended);
            var video = fixture.Grains.GetGrain<IVideoGrain>(ended.Session!.RecordingVideoId!);
            var ready = await WaitForVideoAsync(video);
            Assert.True(ready.HasPoster);
            Assert.NotNull(ready.Storyboard);
            Assert.True(await storage.ExistsAsync(StorageKeys.Poster(ready.ProjectId, ready.Id), default));
            Assert.True(await storage.ExistsAsync(StorageKeys.StoryboardVtt(ready.ProjectId, ready.Id), default));
            Assert.Contains(ready.Id, (await LiveWaits.ForAsync(stream, view => view.RecordingVideoIds.Count > 0)).RecordingVideoIds);

            // The recording plays, decrypted with the variants' keys, from the first segment to the last.
            foreach (var rendition in new[] { "360p", "audio" })
            {
                var variant = fixture.Grains.GetGrain<IVariantGrain>(VariantKeys.Of(ready.Id, rendition));
                var whole = scratch.Combine($"{rendition}.ts");
                await RenditionReader.DecryptToFileAsync(storage, (await variant.GetAsync())!, (await variant.GetKeyAsync())!, whole, default);
                var duration = await MediaInspector.DurationAsync(whole);
                Assert.InRange(duration, PublishSeconds - 1.5, PublishSeconds + 1.5);
            }
        }
        finally
        {
            if (!publisher.HasExited)
            {
                publisher.Kill();
            }
        }
    }

    [Fact]
    public async Task Each_live_segment_gets_a_cmaf_twin_that_decrypts_to_its_ts_frames_and_the_recording_keeps_them_for_vod_dash()
    {
        var (stream, created) = await CreateAsync(record: true);
        using var scratch = new TempDirectory("streamio-live-");
        using var publisher = StartPublisher();
        try
        {
            var run = Handler().RunAsync(Session(created, publisher), CancellationToken.None);

            // While the publisher sends: when each 360p segment is listed for HLS, and when its twin for DASH.
            var listed = new Dictionary<int, DateTimeOffset>();
            var twinned = new Dictionary<int, DateTimeOffset>();
            while (!publisher.HasExited)
            {
                var now = DateTimeOffset.UtcNow;
                foreach (var segment in (await stream.GetPlaylistAsync("360p"))?.Segments ?? [])
                {
                    listed.TryAdd(segment.Index, now);
                }
                foreach (var segment in (await stream.GetDashAsync())?.Tracks.SingleOrDefault(track => track.Rendition.Name == "360p")?.Segments ?? [])
                {
                    twinned.TryAdd(segment.Index, now);
                }
                await Task.Delay(50);
            }
            var lags = twinned.Where(pair => listed.ContainsKey(pair.Key)).Select(pair => (pair.Value - listed[pair.Key]).TotalSeconds).ToList();
            Assert.NotEmpty(lags);
            output.WriteLine($"360p CMAF twin after its TS, over {lags.Count} segments: median {lags.Order().ElementAt(lags.Count / 2):0.000} s, max {lags.Max():0.000} s");

            var dash = (await stream.GetDashAsync())!;
            Assert.False(dash.Ended);
            Assert.Equal(["240p", "360p", "audio"], dash.Tracks.Select(track => track.Rendition.Name).Order());
            var video = dash.Tracks.Single(track => track.Rendition.Name == "360p");
            Assert.Equal(90000, video.Timescale);
            Assert.Equal(48000, dash.Tracks.Single(track => track.Rendition.IsAudio).Timescale);
            var cenc = (await stream.GetCencKeyAsync(dash.SessionId, "360p"))!;
            Assert.Equal(cenc.KeyId, video.KeyId);
            Assert.NotEqual(cenc.Key, await stream.GetKeyAsync(dash.SessionId, "360p"));
            // Twins start where the frames do: one after the other on the 90 kHz clock.
            var starts = video.Segments.Select(segment => segment.StartTime).ToList();
            Assert.All(starts.Zip(starts.Skip(1), (a, b) => b - a), step => Assert.InRange(step, 45_000, 135_000));

            // Segment 1's twin, joined to the session's init and decrypted by FFmpeg, is exactly its TS segment's pictures.
            // On a busy machine the twin can still be on its way when the publisher ends.
            await LiveWaits.UntilAsync(async () => (await stream.GetDashAsync())!.Tracks.Single(track => track.Rendition.Name == "360p").Segments.Any(segment => segment.Index == 1));
            var window = (await stream.GetPlaylistAsync("360p"))!;
            var ts = scratch.Combine("1.ts");
            await DecryptAsync(Storage, $"{window.StoragePrefix}1.ts", (await stream.GetKeyAsync(window.SessionId, "360p"))!, 1, ts);
            var mp4 = scratch.Combine("1.mp4");
            await File.WriteAllBytesAsync(mp4, [.. await ReadAsync(StorageKeys.LiveCmafInit(dash.CmafPrefix, "360p")), .. await ReadAsync(StorageKeys.LiveCmafSegment(dash.CmafPrefix, "360p", 1))]);
            var decrypted = scratch.Combine("1.mkv");
            await FfmpegTools.FfmpegAsync("-v", "error", "-y", "-decryption_key", Convert.ToHexStringLower(cenc.Key), "-i", mp4, "-map", "0:v:0", "-c:v", "ffv1", decrypted);
            var frames = await MediaInspector.LumaFramesAsync(decrypted, 640, 360);
            Assert.NotEmpty(frames);
            Assert.Equal(await MediaInspector.LumaFramesAsync(ts, 640, 360), frames);

            // The recording's variants take the session's CENC keys and twins: its VOD DASH finds them in its CMAF folder.
            await run.WaitAsync(LiveWaits.Patience);
            var ended = await LiveWaits.ForAsync(stream, view => view.Status == LiveStatus.Ended && view.Session!.RecordingVideoId is not null);
            Assert.True((await stream.GetDashAsync())!.Ended);
            var ready = await WaitForVideoAsync(fixture.Grains.GetGrain<IVideoGrain>(ended.Session!.RecordingVideoId!));
            Assert.Equal(StorageKeys.CmafFolder(ready.ProjectId, ready.Id), dash.CmafPrefix);
            foreach (var rendition in new[] { "240p", "360p", "audio" })
            {
                var variant = fixture.Grains.GetGrain<IVariantGrain>(VariantKeys.Of(ready.Id, rendition));
                var view = (await variant.GetAsync())!;
                Assert.True(view.CmafComplete, $"{rendition}: every segment has its twin");
                Assert.Equal((await stream.GetCencKeyAsync(dash.SessionId, rendition))!.Key, (await variant.GetCencKeyAsync())!.Key);
                Assert.True(await Storage.ExistsAsync(StorageKeys.CmafInit(ready.ProjectId, ready.Id, rendition), default));
                Assert.True(await Storage.ExistsAsync(StorageKeys.CmafSegment(ready.ProjectId, ready.Id, rendition, view.SegmentCount - 1), default));
            }
        }
        finally
        {
            if (!publisher.HasExited)
            {
                publisher.Kill();
            }
        }
    }

    [Fact]
    public async Task A_publisher_that_reconnects_within_the_grace_continues_the_session_and_the_recording_plays_across_the_reconnect()
    {
        var (stream, created) = await CreateAsync(record: true);
        var handler = Handler();

        await PublishAsync(handler, created, 4);
        var between = await LiveWaits.ForAsync(stream, view => view.Status == LiveStatus.Connected && view.Session!.Legs == 1);
        await PublishAsync(handler, created, 4);

        var ended = await LiveWaits.ForAsync(stream, view => view.Status == LiveStatus.Ended && view.Session!.RecordingVideoId is not null);
        Assert.Equal(between.Session!.SessionId, ended.Session!.SessionId);
        Assert.Equal(2, ended.Session.Legs);
        var window = (await stream.GetPlaylistAsync("360p"))!;
        var reconnect = Assert.Single(window.Segments, segment => segment.Discontinuity);
        Assert.True(reconnect.Index > 0);
        Assert.Equal(Enumerable.Range(0, window.Segments.Count), window.Segments.Select(segment => segment.Index));
        // The second leg's twins go on under the session's one init (same codec setup), their tfdt rising through the reconnect.
        var twins = (await stream.GetDashAsync())!.Tracks.Single(track => track.Rendition.Name == "360p").Segments;
        Assert.Equal(window.Segments.Select(segment => segment.Index), twins.Select(segment => segment.Index));
        Assert.True(twins.Single(segment => segment.Discontinuity).StartTime > twins.First(segment => segment.Index == reconnect.Index - 1).StartTime);
        var ready = await WaitForVideoAsync(fixture.Grains.GetGrain<IVideoGrain>(ended.Session.RecordingVideoId!));
        // The second leg continues the first one's timeline: one stream, its timestamps rising through the reconnect.
        using var scratch = new TempDirectory("streamio-live-");
        var whole = scratch.Combine("360p.ts");
        var variant = fixture.Grains.GetGrain<IVariantGrain>(VariantKeys.Of(ready.Id, "360p"));
        await RenditionReader.DecryptToFileAsync(Storage, (await variant.GetAsync())!, (await variant.GetKeyAsync())!, whole, default);
        Assert.InRange(await MediaInspector.DurationAsync(whole), 6.5, 9.5);
        var dts = (await MediaInspector.PacketsAsync(whole)).Select(packet => packet.Dts).ToList();
        Assert.All(dts.Zip(dts.Skip(1), (a, b) => b - a), step => Assert.InRange(step, 0.001, 0.5));
    }

    [Fact]
    public async Task Resetting_the_key_cuts_a_real_publisher_off_and_an_unrecorded_session_leaves_nothing_stored()
    {
        var (stream, created) = await CreateAsync(record: false);
        using var publisher = StartPublisher(seconds: 120);
        try
        {
            var run = Handler().RunAsync(Session(created, publisher), CancellationToken.None);
            var live = await LiveWaits.ForAsync(stream, view => view.Status == LiveStatus.Live);
            var prefix = (await stream.GetPlaylistAsync("360p"))!.StoragePrefix;
            // Live comes with the first segment of any rendition; the 360p one may still be on its way.
            await LiveWaits.UntilAsync(async () => await Storage.ListAsync(prefix, default).AnyAsync());

            await stream.ResetKeyAsync();

            // The handler stops on its own while the publisher would go on for two minutes.
            await run.WaitAsync(LiveWaits.Patience);
            Assert.False(publisher.HasExited);
            var ended = await LiveWaits.ForAsync(stream, view => view.Status == LiveStatus.Ended && view.Session!.SessionId == live.Session!.SessionId);
            Assert.Empty(ended.RecordingVideoIds);
            await LiveWaits.UntilAsync(async () => !await Storage.ListAsync(prefix[..prefix.TrimEnd('/').LastIndexOf('/')], default).AnyAsync());
        }
        finally
        {
            publisher.Kill();
        }
    }

    [Fact]
    public async Task When_the_silo_running_the_publisher_is_killed_the_session_ends_and_its_recording_becomes_a_ready_video()
    {
        var (stream, created) = await CreateAsync(record: true);
        var victim = (InProcessSiloHandle)fixture.Cluster.SecondarySilos[0];
        using var publisher = StartPublisher(seconds: 120);
        using var stop = new CancellationTokenSource();
        var run = victim.SiloHost.Services.GetRequiredService<IPublishHandler>().RunAsync(Session(created, publisher), stop.Token);
        try
        {
            await LiveWaits.ForAsync(stream, view => view.Status == LiveStatus.Live);
            // The stream grain writes its segments every few seconds, so a kill loses the last ones when it lived on the
            // victim; eight one-second segments in, every rendition has some in the stored state.
            await LiveWaits.UntilAsync(async () => (await stream.GetPlaylistAsync("360p"))!.Segments.Count >= 8);

            await fixture.Cluster.KillSiloAsync(victim);
            await stop.CancelAsync();
            publisher.Kill();

            var ended = await LiveWaits.ForAsync(stream, view => view.Status == LiveStatus.Ended && view.Session!.RecordingVideoId is not null);
            Assert.Contains("silo", ended.Session!.EndReason, StringComparison.Ordinal);
            var ready = await WaitForVideoAsync(fixture.Grains.GetGrain<IVideoGrain>(ended.Session.RecordingVideoId!));
            Assert.True(ready.HasPoster);
            using var scratch = new TempDirectory("streamio-live-");
            // The recording holds what the stored state had registered: the bytes of every rendition it lists play through.
            var lowest = ready.Renditions.Where(rendition => rendition.IsPlainVideo).MinBy(rendition => rendition.Height)!;
            Assert.True(lowest.Registered >= 1);
            var whole = scratch.Combine($"{lowest.Name}.ts");
            var variant = fixture.Grains.GetGrain<IVariantGrain>(VariantKeys.Of(ready.Id, lowest.Name));
            await RenditionReader.DecryptToFileAsync(Storage, (await variant.GetAsync())!, (await variant.GetKeyAsync())!, whole, default);
            Assert.InRange(await MediaInspector.DurationAsync(whole), lowest.Registered * 0.8, lowest.Registered * 1.2 + 0.5);
        }
        finally
        {
            if (!publisher.HasExited)
            {
                publisher.Kill();
            }
            // Cancelled, the handler stops its FFmpeg at once; its last report then retries against its dead silo for a
            // while (a real silo that dies takes its handler with it), so it is left to finish on its own.
            await stop.CancelAsync();
            _ = run.ContinueWith(ended => ended.Exception, TaskScheduler.Default);
            await fixture.Cluster.StartAdditionalSiloAsync();
        }
    }

    [Fact]
    public async Task Bytes_that_are_not_a_stream_end_the_leg_with_the_probes_reason_and_the_session_ends_empty()
    {
        var (stream, created) = await CreateAsync(record: true);
        var garbage = new byte[300_000];
        new Random(7).NextBytes(garbage);
        var session = new IngestSession(IngestProtocol.Srt, created.Id, created.StreamKey, new IPEndPoint(IPAddress.Loopback, 40002), "mpegts",
            new MemoryStream(garbage), DateTimeOffset.UtcNow);

        await Handler().RunAsync(session, CancellationToken.None);

        var ended = await LiveWaits.ForAsync(stream, view => view.Status == LiveStatus.Ended);
        Assert.Empty(ended.RecordingVideoIds);
        Assert.Null(ended.Session!.RecordingVideoId);
        Assert.Empty(ended.Session.Renditions);
    }

    [Fact]
    public async Task Two_streams_published_at_once_on_two_silos_each_go_live_held_by_the_silo_that_took_the_publisher()
    {
        var silos = fixture.Cluster.GetActiveSilos().OfType<InProcessSiloHandle>().Take(2).ToList();
        Assert.Equal(2, silos.Count);
        var streams = new[] { await CreateAsync(record: false), await CreateAsync(record: false) };
        // Long publishers, stopped by the test: both are sending while both streams are checked.
        var publishers = streams.Select(_ => StartPublisher(seconds: 120)).ToList();
        try
        {
            var runs = streams.Select((stream, i) => silos[i].SiloHost.Services.GetRequiredService<IPublishHandler>()
                .RunAsync(Session(stream.View, publishers[i]), CancellationToken.None)).ToList();
            var live = new List<LiveStreamView>();
            foreach (var (stream, _) in streams)
            {
                live.Add(await LiveWaits.ForAsync(stream, view => view.Status == LiveStatus.Live && view.Session!.Silo is not null));
            }

            Assert.All(publishers, publisher => Assert.False(publisher.HasExited));
            Assert.Equal(silos.Select(silo => silo.SiloAddress.ToParsableString()), live.Select(view => view.Session!.Silo));
            foreach (var (stream, _) in streams)
            {
                var before = (await stream.GetPlaylistAsync("360p"))!.Segments.Count;
                await LiveWaits.UntilAsync(async () => (await stream.GetPlaylistAsync("360p"))!.Segments.Count > before);
            }

            publishers.ForEach(publisher => publisher.Kill());
            await Task.WhenAll(runs).WaitAsync(LiveWaits.Patience);
        }
        finally
        {
            foreach (var publisher in publishers)
            {
                if (!publisher.HasExited)
                {
                    publisher.Kill();
                }
                publisher.Dispose();
            }
        }
    }

    private IObjectStorage Storage => Services.GetRequiredService<IObjectStorage>();

    private IServiceProvider Services => ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services;

    private IPublishHandler Handler() => Services.GetRequiredService<IPublishHandler>();

    private async Task<(ILiveStreamGrain Stream, LiveStreamView View)> CreateAsync(bool record)
    {
        var stream = fixture.Grains.GetGrain<ILiveStreamGrain>(LiveStreamIds.New());
        return (stream, await stream.CreateAsync(new LiveStreamCreate($"p_{Guid.NewGuid():N}", "handler test", 0, record)));
    }

    private static IngestSession Session(LiveStreamView stream, Process publisher) =>
        new(IngestProtocol.Srt, stream.Id, stream.StreamKey, new IPEndPoint(IPAddress.Loopback, 40001), "mpegts", publisher.StandardOutput.BaseStream, DateTimeOffset.UtcNow);

    /// <summary>One publisher connection of <paramref name="seconds"/>, to its end.</summary>
    private static async Task PublishAsync(IPublishHandler handler, LiveStreamView stream, int seconds)
    {
        using var publisher = StartPublisher(seconds);
        await handler.RunAsync(Session(stream, publisher), CancellationToken.None).WaitAsync(LiveWaits.Patience);
        await publisher.WaitForExitAsync();
    }

    private static Process StartPublisher(int seconds = PublishSeconds)
    {
        var info = new ProcessStartInfo(FfmpegTools.Ffmpeg) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            "-hide_banner", "-loglevel", "error", "-re",
            "-f", "lavfi", "-i", $"testsrc2=size=640x360:rate=25:duration={seconds}",
            "-f", "lavfi", "-i", $"sine=frequency=440:sample_rate=48000:duration={seconds}",
            "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "25", "-c:a", "aac", "-f", "mpegts", "pipe:1",
        })
        {
            info.ArgumentList.Add(argument);
        }
        var process = Process.Start(info)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return process;
    }

    private async Task<byte[]> ReadAsync(string key)
    {
        await using var stored = await Storage.OpenReadAsync(key, default) ?? throw new InvalidOperationException($"{key} is not stored.");
        using var buffer = new MemoryStream();
        await stored.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static async Task DecryptAsync(IObjectStorage storage, string key, byte[] aesKey, int index, string path)
    {
        await using var stored = await storage.OpenReadAsync(key, default) ?? throw new InvalidOperationException($"{key} is not stored.");
        using var buffer = new MemoryStream();
        await stored.CopyToAsync(buffer);
        await File.WriteAllBytesAsync(path, SegmentCipher.Decrypt(buffer.ToArray(), aesKey, index));
    }

    private static async Task<VideoView> WaitForVideoAsync(IVideoGrain video)
    {
        var deadline = DateTimeOffset.UtcNow + LiveWaits.Patience;
        while (true)
        {
            var view = await video.GetAsync();
            if (view is { IsTerminal: true })
            {
                return view.Status == VideoStatus.Ready ? view : throw new InvalidOperationException($"The recording failed: {view.Error}");
            }
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"The recording never got ready; last seen: {view}");
            }
            await Task.Delay(200);
        }
    }
}
