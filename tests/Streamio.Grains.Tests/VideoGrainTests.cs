using Microsoft.Extensions.Options;
using Streamio.Backbone;
using Streamio.Backbone.Sqlite;
using Streamio.Grains.Planning;
using Streamio.Grains.Projects;
using Streamio.Grains.Videos;
using Streamio.Grains.Work;

namespace Streamio.Grains.Tests;

/// <summary>The video lifecycle's guarded transitions, on a real SQLite backbone.</summary>
public sealed class VideoGrainTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("streamio-grains-").FullName;
    private SqliteBackbone _backbone = null!;
    private VideoGrain _videos = null!;
    private VariantGrain _variants = null!;
    private VideoCatalog _catalog = null!;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    public async Task InitializeAsync()
    {
        _backbone = new SqliteBackbone($"Data Source={Path.Combine(_directory, "grains.db")}", new BackboneSignals(), TimeProvider.System);
        await _backbone.MigrateAsync(CancellationToken.None);
        var runtime = new GrainRuntime(_backbone);
        var options = Options.Create(new EncodingOptions { SegmentSeconds = 4, SegmentsPerChunk = 2 });
        _videos = new VideoGrain(runtime, options, TimeProvider.System);
        _variants = new VariantGrain(runtime, options);
        _catalog = new VideoCatalog(runtime, _variants);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>Claims the next video work item; the webhook outbox items the events enqueue are taken out of the way.</summary>
    private async Task<WorkLease?> ClaimVideoWorkAsync(string owner = "test")
    {
        while (await _backbone.TryClaimAsync(owner, Lease, CancellationToken.None) is { } lease)
        {
            if (!lease.Kind.StartsWith("webhook.", StringComparison.Ordinal))
            {
                return lease;
            }
            await _backbone.CompleteAsync(lease, CancellationToken.None);
        }
        return null;
    }

    private async Task<WorkLease> ClaimAsync(string kind)
    {
        var lease = await ClaimVideoWorkAsync();
        Assert.NotNull(lease);
        Assert.Equal(kind, lease.Kind);
        return lease;
    }

    private async Task<List<WorkItemInfo>> QueuedAsync(string videoId) => (await _backbone.ListGroupAsync(videoId, CancellationToken.None)).ToList();

    private async Task<string> CreateEncodingVideoAsync(bool withAudio = true, double duration = 10)
    {
        await _videos.CreateAsync(ProjectIds.Default, "v1", "Title", "projects/default/videos/v1/source", 100, CancellationToken.None);
        var probe = await ClaimAsync(WorkKinds.Probe);
        Assert.True(await _videos.StartProbingAsync("v1", probe, CancellationToken.None));
        await _videos.OnProbedAsync("v1", new SourceFacts("mov", duration, 1280, 720, 30, withAudio), probe, CancellationToken.None);
        return "v1";
    }

    [Fact]
    public async Task Creating_a_video_schedules_its_probe_and_announces_it()
    {
        await _videos.CreateAsync(ProjectIds.Default, "v1", "Title", "projects/default/videos/v1/source", 100, CancellationToken.None);

        var video = await _catalog.GetAsync("v1", CancellationToken.None);
        Assert.Equal(VideoStatus.Uploaded, video!.Video.Status);
        Assert.Equal(WorkKinds.Probe, Assert.Single(await QueuedAsync("v1")).Kind);
        var created = VideoEvents.Read(Assert.Single(await _backbone.ReadAfterAsync(0, 10, CancellationToken.None)));
        Assert.Equal(VideoEvents.Created, created!.Type);
    }

    [Fact]
    public async Task Probing_plans_the_ladder_creates_keyed_variants_and_schedules_fast_start_first()
    {
        await CreateEncodingVideoAsync();

        var video = await _catalog.GetAsync("v1", CancellationToken.None);
        Assert.Equal(VideoStatus.Encoding, video!.Video.Status);
        Assert.Equal(["360p", "480p", "720p", "audio"], video.Variants.OrderBy(v => v.IsAudio).ThenBy(v => v.Height).Select(v => v.Name));
        Assert.All(video.Variants, variant => Assert.Equal(16, variant.Key.Length));
        Assert.Equal(video.Variants.Count, video.Variants.Select(v => Convert.ToHexString(v.Key)).Distinct().Count());

        var first = await ClaimAsync(WorkKinds.EncodeChunk);
        var work = WorkKinds.Read<ChunkWork>(first);
        Assert.Equal((0, 1), (work.FirstSegment, work.SegmentCount));
        Assert.Equal(["360p"], work.Rungs);
        var queued = await QueuedAsync("v1");
        Assert.Contains(queued, item => item.Kind == WorkKinds.EncodeAudio);
        // 3 segments in chunks of 2: first segment lowest rung, first segment other rungs, segments 1-2.
        Assert.Equal(3, queued.Count(item => item.Kind == WorkKinds.EncodeChunk));
    }

    [Fact]
    public async Task Transitions_out_of_order_change_nothing()
    {
        await _videos.CreateAsync(ProjectIds.Default, "v1", null, "projects/default/videos/v1/source", 100, CancellationToken.None);
        var probe = await ClaimAsync(WorkKinds.Probe);
        // Not probing yet: the probe result is ignored (and its now pointless work item finished).
        await _videos.OnProbedAsync("v1", new SourceFacts("mov", 10, 1280, 720, 30, true), probe, CancellationToken.None);
        Assert.Equal(VideoStatus.Uploaded, (await _catalog.GetAsync("v1", CancellationToken.None))!.Video.Status);
        Assert.Empty(await QueuedAsync("v1"));

        await _videos.FailAsync("v1", "not a video", lease: null, CancellationToken.None);
        await _videos.FailAsync("v1", "a second reason", lease: null, CancellationToken.None);
        var failed = (await _catalog.GetAsync("v1", CancellationToken.None))!.Video;
        Assert.Equal((VideoStatus.Failed, "not a video"), (failed.Status, failed.Error));
        Assert.Empty(await QueuedAsync("v1"));
    }

    [Fact]
    public async Task The_video_is_playable_once_the_lowest_rung_and_the_audio_have_their_first_segment_and_ready_after_finishing()
    {
        await CreateEncodingVideoAsync(duration: 4);
        var chunk = await ClaimAsync(WorkKinds.EncodeChunk);

        Assert.True(await _variants.RegisterSegmentAsync("v1", "360p", 0, 4, chunk, CancellationToken.None));
        Assert.False(await _variants.RegisterSegmentAsync("v1", "360p", 0, 4, chunk, CancellationToken.None));
        Assert.False((await _catalog.GetAsync("v1", CancellationToken.None))!.Playable);
        await _variants.RegisterSegmentAsync("v1", "audio", 0, 4, chunk, CancellationToken.None);
        Assert.True((await _catalog.GetAsync("v1", CancellationToken.None))!.Playable);

        foreach (var rung in new[] { "480p", "720p" })
        {
            await _variants.RegisterSegmentAsync("v1", rung, 0, 4, chunk, CancellationToken.None);
        }
        await _variants.CompleteAsync("v1", "audio", 1, chunk, CancellationToken.None);
        await _backbone.CompleteAsync(chunk, CancellationToken.None);

        // Run the queued syncs; the last one schedules finishing.
        await DrainAsync(WorkKinds.Sync, lease => _videos.SyncAsync("v1", lease, CancellationToken.None));
        var video = (await _catalog.GetAsync("v1", CancellationToken.None))!.Video;
        Assert.NotNull(video.PlayableAt);
        Assert.True(video.FinishQueued);
        Assert.Contains(await QueuedAsync("v1"), item => item.Kind == WorkKinds.Finish);

        var events = (await _backbone.ReadAfterAsync(0, 100, CancellationToken.None)).Select(VideoEvents.Read).Select(e => e!.Type).ToList();
        Assert.Single(events, type => type == VideoEvents.Playable);
    }

    [Fact]
    public async Task A_lost_lease_rejects_a_late_segment()
    {
        await CreateEncodingVideoAsync();
        var chunk = await ClaimAsync(WorkKinds.EncodeChunk);
        await _backbone.ReleaseLeasesOfAsync("test", CancellationToken.None);
        await ClaimVideoWorkAsync("other");

        await Assert.ThrowsAsync<LeaseLostException>(() => _variants.RegisterSegmentAsync("v1", "360p", 0, 4, chunk, CancellationToken.None));
        Assert.Empty((await _variants.ReadAsync("v1", "360p", CancellationToken.None))!.Segments);
    }

    [Fact]
    public async Task Deleting_removes_the_video_its_variants_and_its_work()
    {
        await CreateEncodingVideoAsync();
        Assert.True(await _videos.DeleteAsync(ProjectIds.Default, "v1", CancellationToken.None));

        Assert.Null(await _catalog.GetAsync("v1", CancellationToken.None));
        Assert.Empty(await _variants.ReadAllAsync("v1", CancellationToken.None));
        Assert.Empty(await QueuedAsync("v1"));
        Assert.False(await _videos.DeleteAsync(ProjectIds.Default, "v1", CancellationToken.None));
    }

    [Fact]
    public async Task A_video_belongs_to_its_project_only()
    {
        await _videos.CreateAsync("p_a", "va", null, "projects/p_a/videos/va/source", 1, CancellationToken.None);
        await _videos.CreateAsync("p_b", "vb", null, "projects/p_b/videos/vb/source", 1, CancellationToken.None);

        Assert.Equal(["va"], (await _catalog.ListAsync("p_a", null, 10, CancellationToken.None)).Items.Select(v => v.Video.Id));
        Assert.Null(await _catalog.GetInProjectAsync("p_a", "vb", CancellationToken.None));
        Assert.False(await _videos.DeleteAsync("p_a", "vb", CancellationToken.None));
        Assert.NotNull(await _catalog.GetAsync("vb", CancellationToken.None));
        Assert.True(await _videos.DeleteAsync("p_b", "vb", CancellationToken.None));
        Assert.Empty((await _catalog.ListAsync("p_b", null, 10, CancellationToken.None)).Items);
    }

    [Fact]
    public async Task Announced_events_enqueue_their_webhook_fan_out_in_the_same_commit_and_outlive_the_videos_work()
    {
        await _videos.CreateAsync("p_a", "va", null, "projects/p_a/videos/va/source", 1, CancellationToken.None);
        await _videos.FailAsync("va", "not a video", lease: null, CancellationToken.None);
        await _videos.DeleteAsync("p_a", "va", CancellationToken.None);

        // Failing and deleting cancel the video's work group; the outbox items live in the project's webhook group.
        var outbox = await _backbone.ListGroupAsync("webhooks:p_a", CancellationToken.None);
        Assert.Equal(3, outbox.Count);
        var types = new List<string>();
        while (await _backbone.TryClaimAsync("test", Lease, CancellationToken.None) is { } lease)
        {
            var work = WorkKinds.Read<FanoutWork>(lease);
            Assert.Equal(("p_a", "va"), (work.Video.ProjectId, work.Video.Id));
            Assert.StartsWith("evt_", work.EventId);
            types.Add(work.Type);
        }
        Assert.Equal([VideoEvents.Created, VideoEvents.Failed, VideoEvents.Deleted], types);
    }

    private async Task DrainAsync(string kind, Func<WorkLease, Task> run)
    {
        while (await ClaimVideoWorkAsync() is { } lease)
        {
            if (lease.Kind == kind)
            {
                await run(lease);
                await _backbone.CompleteAsync(lease, CancellationToken.None);
            }
            else
            {
                await _backbone.ReleaseAsync(lease, CancellationToken.None);
                return;
            }
        }
    }
}
