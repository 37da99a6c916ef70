using Microsoft.Extensions.DependencyInjection;
using Streamio.Abstractions.Videos;
using Streamio.Grains.Work;
using Streamio.Storage;
using Streamio.Testing;

namespace Streamio.Host.Tests;

/// <summary>What happens after the ladder: images, the source kept or deleted, and the start-up repair of missing images.</summary>
[Collection(SharedNodeCollection.Name)]
public sealed class FinishingTests(SharedNodeFixture fixture)
{
    private static readonly ClipSpec Small = new(DurationSeconds: 3, Width: 320, Height: 180);

    [Fact]
    public async Task The_reconciler_rebuilds_a_ready_videos_missing_images_from_its_renditions()
    {
        var node = fixture.Node;
        var storage = node.Services.GetRequiredService<IObjectStorage>();
        var video = await node.WaitForReadyAsync((await node.UploadOkAsync(await ClipFactory.GetAsync(Small))).Id);
        Assert.Equal("ready", video.Status);
        Assert.False(await storage.ExistsAsync(StorageKeys.Source("default", video.Id), CancellationToken.None), "the source is already gone");

        await storage.DeleteAsync(StorageKeys.Poster("default", video.Id), CancellationToken.None);
        await storage.DeleteAsync(StorageKeys.StoryboardSprite("default", video.Id), CancellationToken.None);
        Assert.True(await node.Services.GetRequiredService<ImageReconciler>().ReconcileAsync(CancellationToken.None) >= 1);

        // The repair writes the poster, then the sprite; wait for the last of them (bounded, never a timing assertion).
        for (var i = 0; i < 600 && !await storage.ExistsAsync(StorageKeys.StoryboardSprite("default", video.Id), CancellationToken.None); i++)
        {
            await Task.Delay(100);
        }
        var poster = await node.Http.GetByteArrayAsync(video.ThumbnailUrl);
        Assert.Equal([0xFF, 0xD8], poster[..2]);
        Assert.StartsWith("WEBVTT", await node.Http.GetStringAsync(video.StoryboardUrl));
        var sprite = await node.Http.GetByteArrayAsync($"/v1/videos/{video.Id}/storyboard.jpg");
        Assert.Equal([0xFF, 0xD8], sprite[..2]);
        Assert.Equal("ready", (await node.GetVideoAsync(video.Id)).Status);
        Assert.Equal(0, await node.Services.GetRequiredService<ImageReconciler>().ReconcileAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_repair_that_cannot_succeed_is_given_up_and_the_video_stays_ready()
    {
        var node = fixture.Node;
        var storage = node.Services.GetRequiredService<IObjectStorage>();
        var grains = node.Services.GetRequiredService<IGrainFactory>();
        var video = await node.WaitForReadyAsync((await node.UploadOkAsync(await ClipFactory.GetAsync(Small))).Id);
        // Nothing left to rebuild the images from: no source, no first segment of any rendition.
        await storage.DeleteAsync(StorageKeys.Poster("default", video.Id), CancellationToken.None);
        foreach (var rendition in video.Renditions)
        {
            await storage.DeleteAsync(StorageKeys.Segment("default", video.Id, rendition.Name, 0), CancellationToken.None);
        }

        var grain = grains.GetGrain<IVideoGrain>(video.Id);
        Assert.True(await grain.RepairImagesAsync());
        // While the repair is pending or running, no second one is taken; once it has used up its attempts it is dropped,
        // so a later repair can be asked for again.
        var dropped = false;
        for (var i = 0; i < 1200 && !(dropped = await grain.RepairImagesAsync()); i++)
        {
            await Task.Delay(100);
        }
        Assert.True(dropped, "the failed repair is still holding the video's work list");
        Assert.False(await storage.ExistsAsync(StorageKeys.Poster("default", video.Id), CancellationToken.None), "the repair could not have succeeded");
        var after = await node.GetVideoAsync(video.Id);
        Assert.Equal(("ready", null), (after.Status, after.Error));
        // Gone, so the shared node's reconciler has nothing of this test's left to repair.
        (await node.Http.DeleteAsync($"/v1/videos/{video.Id}")).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task The_source_is_kept_when_configured()
    {
        await using var node = await StreamioNode.StartAsync(settings => settings["Streamio:Encoding:KeepSource"] = "true");
        var video = await node.WaitForReadyAsync((await node.UploadOkAsync(await ClipFactory.GetAsync(Small))).Id);
        Assert.Equal("ready", video.Status);
        var storage = node.Services.GetRequiredService<IObjectStorage>();
        Assert.True(await storage.ExistsAsync(StorageKeys.Source("default", video.Id), CancellationToken.None));
    }
}
