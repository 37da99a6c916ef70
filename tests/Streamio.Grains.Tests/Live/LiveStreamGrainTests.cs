using System.Net;
using Streamio.Abstractions.Live;
using Streamio.Abstractions.Videos;
using Streamio.Grains.Live;
using Streamio.Grains.Tests.Videos;
using Streamio.Ingest;

namespace Streamio.Grains.Tests.Live;

/// <summary>
/// The live stream grain on three real silos: its key, one publisher at a time, legs and the reconnect grace, the
/// recording's hand-over, key resets, deletes and a silo that dies under a session. The silo's reports are made here
/// as the handler would make them (the handler itself runs in <see cref="LivePublishHandlerTests"/>).
/// </summary>
[Collection(VideoClusterCollection.Name)]
public sealed class LiveStreamGrainTests(VideoClusterFixture fixture)
{

    private static readonly SourceFacts Source = new("mpegts", 0, 640, 360, 30, true);

    private static readonly IReadOnlyList<RenditionPlan> Ladder =
        [new("360p", 640, 360, 800, false), new("audio", 0, 0, 128, true)];

    [Fact]
    public async Task A_new_stream_is_idle_with_a_long_url_safe_key_that_leads_to_it_and_is_listed_in_its_project()
    {
        var (stream, created) = await CreateAsync(record: false);

        Assert.Equal(LiveStatus.Idle, created.Status);
        Assert.Equal(1800, created.DvrWindowSeconds);
        Assert.True(created.StreamKey.Length is >= 32 and >= 10 and <= 79, created.StreamKey);
        Assert.True(LiveStreamKeys.IsWellFormed(created.StreamKey));
        Assert.Equal(Uri.EscapeDataString(created.StreamKey), created.StreamKey);
        Assert.Equal(created.Id, await KeyOf(created.StreamKey).GetLiveStreamIdAsync());
        Assert.Contains(created.Id, await fixture.Grains.GetGrain<IProjectLiveStreamsGrain>(created.ProjectId).ListAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => stream.CreateAsync(new LiveStreamCreate(created.ProjectId, null, 0, false)));
        var authorizer = new LivePublishAuthorizer(fixture.Grains);
        Assert.Equal(PublishDecision.Accept(created.Id), await authorizer.AuthorizeAsync(Request(created.StreamKey), default));
    }

    [Fact]
    public async Task A_bad_window_or_key_is_refused_with_a_reason_and_nothing_is_created()
    {
        var stream = fixture.Grains.GetGrain<ILiveStreamGrain>(LiveStreamIds.New());

        var error = await Assert.ThrowsAsync<ArgumentException>(() => stream.CreateAsync(new LiveStreamCreate("p_1", null, -5, false)));

        Assert.Contains("DVR window", error.Message, StringComparison.Ordinal);
        Assert.Null(await stream.GetAsync());
        var authorizer = new LivePublishAuthorizer(fixture.Grains);
        Assert.False((await authorizer.AuthorizeAsync(Request("short"), default)).Accepted);
        Assert.False((await authorizer.AuthorizeAsync(Request(LiveStreamKeys.Generate()), default)).Accepted);
    }

    [Fact]
    public async Task Only_one_publisher_at_a_time_and_a_report_from_another_leg_changes_nothing()
    {
        var (stream, _) = await CreateAsync(record: false);

        var first = await stream.OnPublisherConnectedAsync(Publisher());
        var second = await stream.OnPublisherConnectedAsync(Publisher());

        Assert.True(first.Accepted);
        Assert.False(second.Accepted);
        Assert.Contains("another publisher", second.Refusal, StringComparison.Ordinal);
        Assert.Null(first.Renditions);
        await stream.OnLadderPlannedAsync(first.SessionId!, first.Leg, Source, Ladder);
        Assert.False(await stream.RegisterSegmentAsync(first.SessionId!, first.Leg + 1, "360p", 0, 1, 0.5));
        Assert.False(await stream.RegisterSegmentAsync("lss_other", first.Leg, "360p", 0, 1, 0.5));
        Assert.True(await stream.RegisterSegmentAsync(first.SessionId!, first.Leg, "360p", 0, 1, 0.5));
        var live = (await stream.GetAsync())!;
        Assert.Equal(LiveStatus.Live, live.Status);
        Assert.Equal(0.5, live.Session!.LatencySeconds);
        Assert.Equal(16, (await stream.GetKeyAsync(first.SessionId!, "360p"))!.Length);
    }

    [Fact]
    public async Task A_publisher_back_within_the_grace_continues_the_session_as_a_new_leg_after_a_discontinuity()
    {
        var (stream, _) = await CreateAsync(record: false);
        var first = await ConnectAndPlanAsync(stream);
        await RegisterAsync(stream, first, 0, 2);
        await stream.OnPublisherDisconnectedAsync(first.SessionId!, first.Leg, null);
        Assert.Equal(LiveStatus.Connected, (await stream.GetAsync())!.Status);

        var second = await stream.OnPublisherConnectedAsync(Publisher());
        await RegisterAsync(stream, second, 2, 2);

        Assert.Equal(first.SessionId, second.SessionId);
        Assert.Equal(2, second.Leg);
        Assert.Equal(2, second.FirstIndexOf("360p"));
        Assert.Equal(2.0, second.StartSeconds);
        Assert.Equal(Ladder, second.Renditions);
        Assert.False(await stream.IsCurrentAsync(first.SessionId!, first.Leg));
        var playlist = (await stream.GetPlaylistAsync("360p"))!;
        Assert.Equal([0, 1, 2, 3], playlist.Segments.Select(segment => segment.Index));
        Assert.Equal([false, false, true, false], playlist.Segments.Select(segment => segment.Discontinuity));
        Assert.False(playlist.Ended);
        // Wall-clock times run from each leg's connection: the second leg's first segment starts at its own arrival.
        Assert.Equal(playlist.Segments[0].ProgramDateTime.AddSeconds(1), playlist.Segments[1].ProgramDateTime);
        Assert.Equal(playlist.Segments[2].ProgramDateTime.AddSeconds(1), playlist.Segments[3].ProgramDateTime);
        Assert.Equal(2, (await stream.GetAsync())!.Session!.Legs);
    }

    [Fact]
    public async Task The_playlist_keeps_only_the_dvr_window_and_counts_the_discontinuities_that_slid_out()
    {
        var (stream, _) = await CreateAsync(record: false, dvrWindowSeconds: 3);
        var first = await ConnectAndPlanAsync(stream);
        await RegisterAsync(stream, first, 0, 2);
        await stream.OnPublisherDisconnectedAsync(first.SessionId!, first.Leg, null);
        var second = await stream.OnPublisherConnectedAsync(Publisher());
        await RegisterAsync(stream, second, 2, 5);

        var playlist = (await stream.GetPlaylistAsync("360p"))!;

        Assert.Equal([4, 5, 6], playlist.Segments.Select(segment => segment.Index));
        Assert.Equal(1, playlist.DiscontinuitySequence);
        Assert.EndsWith("/360p/", playlist.StoragePrefix, StringComparison.Ordinal);
        Assert.Null(await stream.GetPlaylistAsync("1080p"));
    }

    [Fact]
    public async Task When_the_grace_passes_the_session_ends_and_its_recording_becomes_a_video_with_its_keys_and_durations()
    {
        var (stream, created) = await CreateAsync(record: true);
        var leg = await ConnectAndPlanAsync(stream);
        await RegisterAsync(stream, leg, 0, 3);
        await stream.OnPublisherDisconnectedAsync(leg.SessionId!, leg.Leg, null);

        var ended = await LiveWaits.ForAsync(stream, view => view.Status == LiveStatus.Ended && view.Session?.RecordingVideoId is not null);

        Assert.Contains("grace", ended.Session!.EndReason, StringComparison.Ordinal);
        Assert.True((await stream.GetPlaylistAsync("360p"))!.Ended);
        var videoId = ended.Session.RecordingVideoId!;
        Assert.Equal([videoId], ended.RecordingVideoIds);
        var video = (await fixture.Grains.GetGrain<IVideoGrain>(videoId).GetAsync())!;
        Assert.Equal(created.ProjectId, video.ProjectId);
        Assert.Equal(3, video.Source!.DurationSeconds);
        var variant = fixture.Grains.GetGrain<IVariantGrain>(VariantKeys.Of(videoId, "360p"));
        Assert.Equal([1.0, 1.0, 1.0], (await variant.GetAsync())!.ContiguousDurations);
        Assert.True((await variant.GetAsync())!.Complete);
        Assert.Equal(await stream.GetKeyAsync(leg.SessionId!, "360p"), await variant.GetKeyAsync());
        // A new publish after the end is a new session.
        var next = await stream.OnPublisherConnectedAsync(Publisher());
        Assert.NotEqual(leg.SessionId, next.SessionId);
        Assert.Equal(1, next.Leg);
    }

    [Fact]
    public async Task Resetting_the_key_cuts_the_publisher_and_only_the_new_key_publishes()
    {
        var (stream, created) = await CreateAsync(record: false);
        var leg = await ConnectAndPlanAsync(stream);

        var reset = (await stream.ResetKeyAsync())!;

        Assert.NotEqual(created.StreamKey, reset.StreamKey);
        Assert.False(await stream.IsCurrentAsync(leg.SessionId!, leg.Leg));
        Assert.False(await stream.RegisterSegmentAsync(leg.SessionId!, leg.Leg, "360p", 0, 1, 0.5));
        Assert.Null(await KeyOf(created.StreamKey).GetLiveStreamIdAsync());
        var authorizer = new LivePublishAuthorizer(fixture.Grains);
        Assert.False((await authorizer.AuthorizeAsync(Request(created.StreamKey), default)).Accepted);
        Assert.True((await authorizer.AuthorizeAsync(Request(reset.StreamKey), default)).Accepted);
        // The new key's publisher, back within the grace, continues the session.
        var again = await stream.OnPublisherConnectedAsync(Publisher());
        Assert.Equal(leg.SessionId, again.SessionId);
    }

    [Fact]
    public async Task Deleting_a_live_stream_ends_its_session_keeps_the_recording_and_forgets_the_stream_and_key()
    {
        var (stream, created) = await CreateAsync(record: true);
        var leg = await ConnectAndPlanAsync(stream);
        await RegisterAsync(stream, leg, 0, 2);

        await stream.DeleteAsync();

        Assert.Null(await stream.GetAsync());
        Assert.False(await stream.IsCurrentAsync(leg.SessionId!, leg.Leg));
        Assert.Null(await KeyOf(created.StreamKey).GetLiveStreamIdAsync());
        Assert.DoesNotContain(created.Id, await fixture.Grains.GetGrain<IProjectLiveStreamsGrain>(created.ProjectId).ListAsync());
        Assert.False((await stream.OnPublisherConnectedAsync(Publisher())).Accepted);
        var recording = (await fixture.Grains.GetGrain<IVideoGrain>(VideoOf(leg)).GetAsync())!;
        Assert.Equal(created.ProjectId, recording.ProjectId);
        Assert.Equal(2, recording.Source!.DurationSeconds);
    }

    [Fact]
    public async Task When_the_silo_holding_the_session_is_killed_the_session_ends_and_its_recording_is_kept()
    {
        var victim = fixture.Cluster.SecondarySilos[0];
        var (stream, _) = await CreateAsync(record: true);
        var leg = await ConnectAndPlanAsync(stream, victim.SiloAddress.ToParsableString());
        // The first segment makes the stream live, which is written at once (later ones are written every few seconds).
        await RegisterAsync(stream, leg, 0, 2);

        await fixture.Cluster.KillSiloAsync(victim);
        try
        {
            var ended = await LiveWaits.ForAsync(stream, view => view.Status == LiveStatus.Ended && view.Session?.RecordingVideoId is not null);

            Assert.Contains("silo", ended.Session!.EndReason, StringComparison.Ordinal);
            var recording = (await fixture.Grains.GetGrain<IVideoGrain>(ended.Session.RecordingVideoId!).GetAsync())!;
            Assert.True(recording.Source!.DurationSeconds >= 1, $"{recording.Source.DurationSeconds}");
        }
        finally
        {
            await fixture.Cluster.StartAdditionalSiloAsync();
        }
    }

    [Fact]
    public async Task Cmaf_twins_are_kept_under_the_sessions_init_and_another_codec_setup_or_an_unlisted_segment_is_refused()
    {
        var (stream, _) = await CreateAsync(record: false);
        var leg = await ConnectAndPlanAsync(stream);
        Assert.EndsWith("/cmaf/", leg.CmafPrefix, StringComparison.Ordinal);
        var cenc = (await stream.GetCencKeyAsync(leg.SessionId!, "360p"))!;
        Assert.Null(cenc.CodecConfig);
        Assert.Equal(16, cenc.KeyId.Length);
        Assert.NotEqual(cenc.Key, await stream.GetKeyAsync(leg.SessionId!, "360p"));
        Assert.Empty((await stream.GetDashAsync())!.Tracks);
        await RegisterAsync(stream, leg, 0, 2);

        Assert.True(await stream.RegisterCmafSegmentAsync(leg.SessionId!, leg.Leg, new LiveCmafSegment("360p", 0, 126_000, 90000, "a")));
        // Not listed for HLS yet, another codec setup, another leg: refused.
        Assert.False(await stream.RegisterCmafSegmentAsync(leg.SessionId!, leg.Leg, new LiveCmafSegment("360p", 2, 306_000, 90000, "a")));
        Assert.False(await stream.RegisterCmafSegmentAsync(leg.SessionId!, leg.Leg, new LiveCmafSegment("360p", 1, 216_000, 90000, "b")));
        Assert.False(await stream.RegisterCmafSegmentAsync(leg.SessionId!, leg.Leg + 1, new LiveCmafSegment("360p", 1, 216_000, 90000, "a")));
        Assert.True(await stream.RegisterCmafSegmentAsync(leg.SessionId!, leg.Leg, new LiveCmafSegment("360p", 1, 216_000, 90000, "a")));

        Assert.Equal("a", (await stream.GetCencKeyAsync(leg.SessionId!, "360p"))!.CodecConfig);
        var dash = (await stream.GetDashAsync())!;
        Assert.False(dash.Ended);
        Assert.Equal(leg.CmafPrefix, dash.CmafPrefix);
        var track = Assert.Single(dash.Tracks);
        Assert.Equal(cenc.KeyId, track.KeyId);
        Assert.Equal((90000, 126_000L), (track.Timescale, track.FirstStart));
        Assert.Equal([(0, 126_000L), (1, 216_000L)], track.Segments.Select(segment => (segment.Index, segment.StartTime)));
    }

    [Fact]
    public async Task Observers_are_told_of_every_change_until_they_unsubscribe()
    {
        var (stream, created) = await CreateAsync(record: false);
        var observer = new CountingObserver();
        var reference = fixture.Cluster.Client.CreateObjectReference<ILiveStreamObserver>(observer);
        await stream.SubscribeAsync(reference);

        var leg = await ConnectAndPlanAsync(stream);
        await RegisterAsync(stream, leg, 0, 1);
        await LiveWaits.UntilAsync(() => Task.FromResult(observer.Count >= 3));
        await stream.UnsubscribeAsync(reference);
        var seen = observer.Count;
        await stream.OnPublisherDisconnectedAsync(leg.SessionId!, leg.Leg, null);
        await stream.GetAsync();

        Assert.All(observer.Ids, id => Assert.Equal(created.Id, id));
        Assert.Equal(seen, observer.Count);
    }

    private sealed class CountingObserver : ILiveStreamObserver
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _ids = new();

        public int Count => _ids.Count;

        public IEnumerable<string> Ids => _ids;

        public Task OnLiveStreamChangedAsync(string liveStreamId)
        {
            _ids.Enqueue(liveStreamId);
            return Task.CompletedTask;
        }
    }

    private async Task<(ILiveStreamGrain Stream, LiveStreamView View)> CreateAsync(bool record, int dvrWindowSeconds = 0)
    {
        var stream = fixture.Grains.GetGrain<ILiveStreamGrain>(LiveStreamIds.New());
        var view = await stream.CreateAsync(new LiveStreamCreate($"p_{Guid.NewGuid():N}", "live test", dvrWindowSeconds, record));
        return (stream, view);
    }

    private async Task<LiveLeg> ConnectAndPlanAsync(ILiveStreamGrain stream, string? silo = null)
    {
        var leg = await stream.OnPublisherConnectedAsync(Publisher(silo));
        Assert.True(leg.Accepted, leg.Refusal);
        Assert.Equal(Ladder, await stream.OnLadderPlannedAsync(leg.SessionId!, leg.Leg, Source, Ladder));
        Assert.Equal(LiveStatus.Connected, (await stream.GetAsync())!.Status);
        return leg;
    }

    private static async Task RegisterAsync(ILiveStreamGrain stream, LiveLeg leg, int first, int count)
    {
        for (var index = first; index < first + count; index++)
        {
            Assert.True(await stream.RegisterSegmentAsync(leg.SessionId!, leg.Leg, "360p", index, 1, 0.8));
        }
    }

    /// <summary>The recording video's id, read from where the leg stores its segments (its HLS folder).</summary>
    private static string VideoOf(LiveLeg leg) => leg.StoragePrefix.Split('/')[3];

    private LivePublisher Publisher(string? silo = null) =>
        new(silo ?? fixture.Cluster.Primary!.SiloAddress.ToParsableString(), "srt", "127.0.0.1:40000");

    private static PublishRequest Request(string key) => new(IngestProtocol.Srt, key, new IPEndPoint(IPAddress.Loopback, 40000));

    private ILiveStreamKeyGrain KeyOf(string streamKey) => fixture.Grains.GetGrain<ILiveStreamKeyGrain>(LiveStreamKeys.Hash(streamKey));
}
