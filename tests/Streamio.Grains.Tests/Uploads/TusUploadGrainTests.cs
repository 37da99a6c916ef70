using Streamio.Abstractions.Uploads;
using Streamio.Grains.Tests.Projects;

namespace Streamio.Grains.Tests.Uploads;

/// <summary>The resumable upload's guarded transitions and the directory the sweeper walks, on two real silos.</summary>
[Collection(ProjectsClusterCollection.Name)]
public sealed class TusUploadGrainTests(ProjectsClusterFixture fixture)
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private IGrainFactory Grains => fixture.Grains;

    private static string NewId() => $"u_{Guid.CreateVersion7():N}";

    private async Task<ITusUploadGrain> CreateAsync(string id, long length = 100)
    {
        var upload = Grains.GetGrain<ITusUploadGrain>(id);
        await upload.CreateAsync(new NewTusUpload("default", length, "title VA==", "clip.mp4", "T", $"v_{id}", Now.AddHours(1)));
        return upload;
    }

    [Fact]
    public async Task The_offset_only_moves_from_where_it_is_and_never_past_the_length()
    {
        var id = NewId();
        var upload = await CreateAsync(id);

        var advanced = await upload.AdvanceAsync(0, 40, Now, Now.AddHours(2));
        Assert.Equal((AdvanceOutcome.Advanced, 40L, Now.AddHours(2)), (advanced.Outcome, advanced.Upload!.Offset, advanced.Upload.ExpiresAt));
        Assert.Equal(AdvanceOutcome.OffsetMoved, (await upload.AdvanceAsync(0, 50, Now, Now.AddHours(2))).Outcome);
        Assert.Equal(AdvanceOutcome.OffsetMoved, (await upload.AdvanceAsync(40, 101, Now, Now.AddHours(2))).Outcome);
        Assert.Equal(AdvanceOutcome.Missing, (await Grains.GetGrain<ITusUploadGrain>(NewId()).AdvanceAsync(0, 1, Now, Now)).Outcome);
        var stored = (await upload.GetAsync())!;
        Assert.Equal((40L, 100L, "title VA==", "clip.mp4", "T", $"v_{id}", false), (stored.Offset, stored.Length, stored.Metadata, stored.FileName, stored.Title, stored.VideoId, stored.IsFull));
        await Assert.ThrowsAsync<InvalidOperationException>(() => CreateAsync(id));
    }

    [Fact]
    public async Task A_full_upload_is_completed_once_and_an_expired_one_takes_no_bytes()
    {
        var full = await CreateAsync(NewId(), length: 10);
        Assert.False(await full.MarkCompletedAsync(Now));
        await full.AdvanceAsync(0, 10, Now, Now.AddHours(1));
        Assert.True(await full.MarkCompletedAsync(Now.AddDays(1)));
        Assert.False(await full.MarkCompletedAsync(Now.AddDays(1)));
        Assert.Equal((true, true, Now.AddDays(1)), ((await full.GetAsync())!.Completed, (await full.GetAsync())!.IsFull, (await full.GetAsync())!.ExpiresAt));

        var expired = await CreateAsync(NewId());
        Assert.Equal(AdvanceOutcome.Expired, (await expired.AdvanceAsync(0, 5, Now.AddHours(1), Now.AddHours(3))).Outcome);
        Assert.Equal(0, (await expired.GetAsync())!.Offset);
    }

    [Fact]
    public async Task Only_expired_uploads_are_swept_and_the_directory_lists_the_uploads_that_exist()
    {
        var (stale, live) = (NewId(), NewId());
        var staleUpload = await CreateAsync(stale);
        var liveUpload = await CreateAsync(live);
        await liveUpload.AdvanceAsync(0, 1, Now, Now.AddDays(1));
        var listed = await TusUploadDirectory.Of(Grains).ListAsync();
        Assert.Contains(stale, listed);
        Assert.Contains(live, listed);

        Assert.True(await staleUpload.DeleteIfExpiredAsync(Now.AddHours(1)));
        Assert.False(await liveUpload.DeleteIfExpiredAsync(Now.AddHours(1)));
        Assert.False(await staleUpload.DeleteIfExpiredAsync(Now.AddHours(1)));
        Assert.Null(await staleUpload.GetAsync());
        listed = await TusUploadDirectory.Of(Grains).ListAsync();
        Assert.DoesNotContain(stale, listed);
        Assert.Contains(live, listed);

        // A listing without an upload (a crash between removal and delisting) goes when the sweeper asks about it.
        var ghost = NewId();
        await TusUploadDirectory.Of(Grains).AddAsync(ghost);
        Assert.False(await Grains.GetGrain<ITusUploadGrain>(ghost).DeleteIfExpiredAsync(Now));
        Assert.DoesNotContain(ghost, await TusUploadDirectory.Of(Grains).ListAsync());

        Assert.Equal($"v_{live}", (await liveUpload.DeleteAsync())?.VideoId);
        Assert.Null(await liveUpload.DeleteAsync());
        Assert.Null(await liveUpload.GetAsync());
        Assert.DoesNotContain(live, await TusUploadDirectory.Of(Grains).ListAsync());
    }
}
