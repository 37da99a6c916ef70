using Streamio.Backbone;
using Streamio.Backbone.Sqlite;
using Streamio.Grains.Uploads;

namespace Streamio.Grains.Tests;

/// <summary>The resumable upload's guarded transitions, on a real SQLite backbone.</summary>
public sealed class TusUploadGrainTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("streamio-uploads-").FullName;
    private TusUploadGrain _uploads = null!;

    public async Task InitializeAsync()
    {
        var backbone = new SqliteBackbone($"Data Source={Path.Combine(_directory, "grains.db")}", new BackboneSignals(), TimeProvider.System);
        await backbone.MigrateAsync(CancellationToken.None);
        _uploads = new TusUploadGrain(new GrainRuntime(backbone));
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    private Task CreateAsync(string id, long length = 100) =>
        _uploads.CreateAsync(new TusUploadState { Id = id, Length = length, VideoId = $"v_{id}", Title = "T", ExpiresAt = Now.AddHours(1) }, CancellationToken.None);

    [Fact]
    public async Task The_offset_only_moves_from_where_it_is_and_never_past_the_length()
    {
        await CreateAsync("u1");

        var advanced = await _uploads.AdvanceAsync("u1", 0, 40, Now, Now.AddHours(2), CancellationToken.None);
        Assert.Equal((AdvanceOutcome.Advanced, 40L, Now.AddHours(2)), (advanced.Outcome, advanced.Upload!.Offset, advanced.Upload.ExpiresAt));
        Assert.Equal(AdvanceOutcome.OffsetMoved, (await _uploads.AdvanceAsync("u1", 0, 50, Now, Now.AddHours(2), CancellationToken.None)).Outcome);
        Assert.Equal(AdvanceOutcome.OffsetMoved, (await _uploads.AdvanceAsync("u1", 40, 101, Now, Now.AddHours(2), CancellationToken.None)).Outcome);
        Assert.Equal(AdvanceOutcome.Missing, (await _uploads.AdvanceAsync("nope", 0, 1, Now, Now, CancellationToken.None)).Outcome);
        Assert.Equal(40, (await _uploads.GetAsync("u1", CancellationToken.None))!.Offset);
        await Assert.ThrowsAsync<InvalidOperationException>(() => CreateAsync("u1"));
    }

    [Fact]
    public async Task A_full_upload_is_completed_once_and_an_expired_one_takes_no_bytes()
    {
        await CreateAsync("u1", length: 10);
        Assert.False(await _uploads.MarkCompletedAsync("u1", Now, CancellationToken.None));
        await _uploads.AdvanceAsync("u1", 0, 10, Now, Now.AddHours(1), CancellationToken.None);
        Assert.True(await _uploads.MarkCompletedAsync("u1", Now.AddDays(1), CancellationToken.None));
        Assert.False(await _uploads.MarkCompletedAsync("u1", Now.AddDays(1), CancellationToken.None));

        await CreateAsync("u2");
        Assert.Equal(AdvanceOutcome.Expired, (await _uploads.AdvanceAsync("u2", 0, 5, Now.AddHours(1), Now.AddHours(3), CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task Only_expired_uploads_are_swept_and_termination_returns_what_was_removed()
    {
        await CreateAsync("u1");
        await CreateAsync("u2");
        await _uploads.AdvanceAsync("u2", 0, 1, Now, Now.AddDays(1), CancellationToken.None);

        Assert.True(await _uploads.DeleteIfExpiredAsync("u1", Now.AddHours(1), CancellationToken.None));
        Assert.False(await _uploads.DeleteIfExpiredAsync("u2", Now.AddHours(1), CancellationToken.None));
        Assert.False(await _uploads.DeleteIfExpiredAsync("u1", Now.AddHours(1), CancellationToken.None));
        var listed = new List<string>();
        await foreach (var upload in _uploads.ListAsync(CancellationToken.None))
        {
            listed.Add(upload.Id);
        }
        Assert.Equal(["u2"], listed);

        Assert.Equal("v_u2", (await _uploads.DeleteAsync("u2", CancellationToken.None))?.VideoId);
        Assert.Null(await _uploads.DeleteAsync("u2", CancellationToken.None));
        Assert.Null(await _uploads.GetAsync("u2", CancellationToken.None));
    }
}
