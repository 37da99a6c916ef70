using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Streamio.Abstractions.Videos;
using Streamio.Abstractions.Work;
using Streamio.Grains.Videos;
using Streamio.Grains.Work;
using Streamio.Media;
using Streamio.Storage;
using Streamio.Testing;

namespace Streamio.Grains.Tests.Videos;

/// <summary>The video lifecycle on three real silos: FFmpeg encodes, segments are registered once, silos may die.</summary>
[Collection(VideoClusterCollection.Name)]
public sealed class VideoGrainTests(VideoClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_video_is_probed_planned_encoded_across_the_silos_and_ready_with_every_segment_once()
    {
        var clip = new ClipSpec(DurationSeconds: 6, Width: 640, Height: 360);
        var video = await CreateAsync(clip);

        var ready = await WaitForAsync(video, view => view.IsTerminal);

        Assert.Equal(VideoStatus.Ready, ready.Status);
        Assert.True(ready.Playable);
        Assert.Equal(["240p", "360p", "audio"], ready.Renditions.Select(rendition => rendition.Name).Order());
        Assert.All(ready.Renditions, rendition => Assert.True(rendition.Complete));
        await AssertWholeAsync(ready, clip);
    }

    [Fact]
    public async Task A_silo_killed_mid_encode_has_its_chunks_redone_elsewhere_and_the_video_ends_whole()
    {
        var clip = new ClipSpec(DurationSeconds: 24, Width: 640, Height: 360);
        var video = await CreateAsync(clip);
        var scheduler = fixture.Grains.GetGrain<IWorkSchedulerGrain>(0);
        var primary = fixture.Cluster.Primary!.SiloAddress.ToParsableString();

        // Wait until a secondary silo runs a chunk of a video that has already published segments, then kill it hard.
        string? victim = null;
        await WaitUntilAsync(async () =>
        {
            var view = await scheduler.GetViewAsync();
            victim = view.RunningBySilo.Keys.FirstOrDefault(silo => silo != primary);
            var current = await video.GetAsync();
            return victim is not null && current is not null && current.Renditions.Any(rendition => rendition.Registered > 0);
        });
        var handle = fixture.Cluster.GetActiveSilos().Single(silo => silo.SiloAddress.ToParsableString() == victim);
        await fixture.Cluster.KillSiloAsync(handle);

        var ended = await WaitForAsync(video, view => view.IsTerminal);

        Assert.Equal(VideoStatus.Ready, ended.Status);
        await AssertWholeAsync(ended, clip);
        // Bring the cluster back to three silos for the tests after this one.
        await fixture.Cluster.StartAdditionalSiloAsync();
    }

    [Fact]
    public async Task A_source_that_is_not_a_video_fails_with_the_probes_reason()
    {
        var videoId = NewId();
        var key = StorageKeys.Source("p_test", videoId);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(fixture.ObjectsPath, key)) ?? fixture.ObjectsPath);
        await File.WriteAllTextAsync(Path.Combine(fixture.ObjectsPath, key), "this is not a video");
        var video = fixture.Grains.GetGrain<IVideoGrain>(videoId);
        await video.CreateAsync(new NewVideo("p_test", "garbage", key, 19));

        var failed = await WaitForAsync(video, view => view.IsTerminal);

        Assert.Equal(VideoStatus.Failed, failed.Status);
        Assert.False(string.IsNullOrWhiteSpace(failed.Error));
    }

    [Fact]
    public async Task Reports_for_an_attempt_that_is_not_running_change_nothing()
    {
        var video = fixture.Grains.GetGrain<IVideoGrain>(NewId());
        Assert.Null(await video.GetAsync());
        await video.OnEncodedAsync(itemId: 7, attempt: 1);
        await video.OnWorkFailedAsync(itemId: 0, attempt: 3, "late report");
        Assert.Null(await video.GetAsync());
        Assert.Null(await video.StartWorkAsync(0, fixture.Cluster.Primary!.SiloAddress.ToParsableString()));
    }

    [Fact]
    public async Task Creating_an_existing_video_is_refused()
    {
        var video = await CreateAsync(new ClipSpec(DurationSeconds: 2, Width: 320, Height: 180));
        var view = (await video.GetAsync())!;
        await Assert.ThrowsAnyAsync<InvalidOperationException>(() => video.CreateAsync(new NewVideo(view.ProjectId, "again", view.SourceKey, 1)));
    }

    [Fact]
    public async Task Deleting_removes_the_video_its_variants_and_its_listing_entry_and_only_for_its_project()
    {
        var video = await CreateAsync(new ClipSpec(DurationSeconds: 2, Width: 320, Height: 180));
        var ready = await WaitForAsync(video, view => view.IsTerminal);

        Assert.False(await video.DeleteAsync("p_other"));
        Assert.NotNull(await video.GetAsync());
        Assert.True(await video.DeleteAsync(ready.ProjectId));

        Assert.Null(await video.GetAsync());
        Assert.All(ready.Renditions, rendition =>
            Assert.Null(fixture.Grains.GetGrain<IVariantGrain>(VariantKeys.Of(ready.Id, rendition.Name)).GetAsync().Result));
        var listing = await fixture.Grains.GetGrain<IProjectVideosGrain>(ready.ProjectId).PageAsync(null, 100);
        Assert.DoesNotContain(ready.Id, listing.VideoIds);
    }

    [Fact]
    public async Task The_fast_start_begun_beside_the_probe_is_the_one_published_and_the_video_ends_whole()
    {
        var (published, dropped) = EarlyFastStartCounts();
        var clip = new ClipSpec(DurationSeconds: 4, Width: 640, Height: 360);
        var video = await CreateAsync(clip);

        var ready = await WaitForAsync(video, view => view.IsTerminal);

        Assert.Equal(VideoStatus.Ready, ready.Status);
        Assert.Equal((published + 1, dropped), EarlyFastStartCounts());
        await AssertWholeAsync(ready, clip);
    }

    [Fact]
    public async Task A_source_below_the_lowest_rung_drops_the_fast_start_begun_beside_the_probe_and_ends_whole()
    {
        var (published, dropped) = EarlyFastStartCounts();
        // 320x180: the plan's only rung is 180p, not the 240p begun beside the probe.
        var clip = new ClipSpec(DurationSeconds: 4, Width: 320, Height: 180);
        var video = await CreateAsync(clip);

        var ready = await WaitForAsync(video, view => view.IsTerminal);

        Assert.Equal(VideoStatus.Ready, ready.Status);
        Assert.Equal(["180p", "audio"], ready.Renditions.Select(rendition => rendition.Name).Order());
        var (publishedAfter, droppedAfter) = EarlyFastStartCounts();
        Assert.Equal(published, publishedAfter);
        Assert.True(droppedAfter > dropped, $"{droppedAfter - dropped} early encodes dropped");
        await AssertWholeAsync(ready, clip);
    }

    /// <summary>Early fast starts published and dropped, over the silos.</summary>
    private (int Published, int Dropped) EarlyFastStartCounts()
    {
        var registries = fixture.Cluster.GetActiveSilos().OfType<InProcessSiloHandle>()
            .Select(silo => silo.SiloHost.Services.GetRequiredService<EarlyFastStarts>()).ToList();
        return (registries.Sum(registry => registry.Published), registries.Sum(registry => registry.Dropped));
    }

    private async Task<IVideoGrain> CreateAsync(ClipSpec clip)
    {
        var videoId = NewId();
        var projectId = $"p_{Guid.NewGuid():N}";
        var key = StorageKeys.Source(projectId, videoId);
        var path = Path.Combine(fixture.ObjectsPath, key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(await ClipFactory.GetAsync(clip), path);
        var video = fixture.Grains.GetGrain<IVideoGrain>(videoId);
        var created = await video.CreateAsync(new NewVideo(projectId, "test", key, new FileInfo(path).Length));
        Assert.Equal(VideoStatus.Uploaded, created.Status);
        var listed = await fixture.Grains.GetGrain<IProjectVideosGrain>(projectId).PageAsync(null, 10);
        Assert.Equal([videoId], listed.VideoIds);
        return video;
    }

    /// <summary>Each rendition holds segments 0..n-1, each stored once, and together they decode to every source frame.</summary>
    private async Task AssertWholeAsync(VideoView video, ClipSpec clip)
    {
        using var scratch = new TempDirectory("streamio-whole-");
        foreach (var rendition in video.Renditions)
        {
            var variant = fixture.Grains.GetGrain<IVariantGrain>(VariantKeys.Of(video.Id, rendition.Name));
            var view = (await variant.GetAsync())!;
            Assert.Equal(Enumerable.Range(0, view.SegmentCount), view.Registered.Order());
            var stored = Directory.GetFiles(Path.Combine(fixture.ObjectsPath, Path.GetDirectoryName(StorageKeys.Segment(video.ProjectId, video.Id, rendition.Name, 0))!));
            Assert.Equal(view.SegmentCount, stored.Length);
            if (!rendition.IsAudio)
            {
                var joined = scratch.Combine($"{rendition.Name}.ts");
                await RenditionReader.DecryptToFileAsync(new LocalDiskStorage(fixture.ObjectsPath), view, (await variant.GetKeyAsync())!, joined, CancellationToken.None);
                Assert.Equal(clip.FrameCount, await MediaInspector.CountFramesAsync(joined));
            }
        }
    }

    private static async Task<VideoView> WaitForAsync(IVideoGrain video, Func<VideoView, bool> condition)
    {
        VideoView? view = null;
        await WaitUntilAsync(async () => (view = await video.GetAsync()) is not null && condition(view));
        return view!;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (!await condition())
        {
            await Task.Delay(100, patience.Token);
        }
    }

    private static string NewId() => $"v_{Guid.NewGuid():N}";
}
