using Streamio.Abstractions.Uploads;
using Streamio.Grains.Tests.Projects;

namespace Streamio.Grains.Tests.Uploads;

/// <summary>Upload intents and their object-key index, on two real silos.</summary>
[Collection(ProjectsClusterCollection.Name)]
public sealed class UploadGrainTests(ProjectsClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private static string NewId() => $"u_{Guid.CreateVersion7():N}";

    private static NewUpload Upload(string videoId, string key) =>
        new("default", videoId, key, "t", "video/mp4", 10, DateTimeOffset.UtcNow.AddHours(1));

    [Fact]
    public async Task An_upload_is_found_by_id_and_by_key_and_completes_once()
    {
        var id = NewId();
        var key = $"projects/default/videos/v_{id}/source";
        var upload = Grains.GetGrain<IUploadGrain>(id);
        await upload.CreateAsync(Upload($"v_{id}", key));

        var byKey = await Grains.FindByKeyAsync(key);
        Assert.Equal((id, $"v_{id}", UploadStatus.Pending, 10L, "video/mp4"), (byKey!.Id, byKey.VideoId, byKey.Status, byKey.DeclaredBytes!.Value, byKey.ContentType));
        Assert.Null(await Grains.FindByKeyAsync($"projects/default/videos/v_other_{id}/source"));

        Assert.True(await upload.MarkCompletedAsync());
        Assert.False(await upload.MarkCompletedAsync());
        var completed = await upload.GetAsync();
        Assert.Equal(UploadStatus.Completed, completed!.Status);
        Assert.NotNull(completed.CompletedAt);
        Assert.False(await Grains.GetGrain<IUploadGrain>(NewId()).MarkCompletedAsync());
        Assert.Null(await Grains.GetGrain<IUploadGrain>(NewId()).GetAsync());
    }

    [Fact]
    public async Task An_id_or_a_key_is_never_taken_twice()
    {
        var (first, second) = (NewId(), NewId());
        var key = $"projects/default/videos/v_{first}/source";
        await Grains.GetGrain<IUploadGrain>(first).CreateAsync(Upload($"v_{first}", key));

        await Assert.ThrowsAsync<InvalidOperationException>(() => Grains.GetGrain<IUploadGrain>(first).CreateAsync(Upload("v_x", $"{key}.other")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Grains.GetGrain<IUploadGrain>(second).CreateAsync(Upload($"v_{second}", key)));
        Assert.Null(await Grains.GetGrain<IUploadGrain>(second).GetAsync());
        Assert.Equal(first, (await Grains.FindByKeyAsync(key))!.Id);
        // The first upload's failed second creation claimed nothing.
        Assert.Null(await Grains.FindByKeyAsync($"{key}.other"));
    }
}
