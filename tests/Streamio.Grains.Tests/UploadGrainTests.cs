using Streamio.Backbone;
using Streamio.Backbone.Sqlite;
using Streamio.Grains.Uploads;

namespace Streamio.Grains.Tests;

/// <summary>Upload intents and their key index, on a real SQLite backbone.</summary>
public sealed class UploadGrainTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("streamio-uploads-").FullName;
    private SqliteBackbone _backbone = null!;
    private UploadGrain _uploads = null!;

    private static CancellationToken None => CancellationToken.None;

    public async Task InitializeAsync()
    {
        _backbone = new SqliteBackbone($"Data Source={Path.Combine(_directory, "grains.db")}", new BackboneSignals(), TimeProvider.System);
        await _backbone.MigrateAsync(None);
        _uploads = new UploadGrain(new GrainRuntime(_backbone), TimeProvider.System);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    private static UploadState Upload(string id, string key) =>
        new() { Id = id, VideoId = $"v_{id}", Key = key, Title = "t", DeclaredBytes = 10, ExpiresAt = DateTimeOffset.UtcNow.AddHours(1) };

    [Fact]
    public async Task An_upload_is_found_by_id_and_by_key_and_completes_once()
    {
        await _uploads.CreateAsync(Upload("u1", "videos/v_u1/source"), None);

        var byKey = await _uploads.FindByKeyAsync("videos/v_u1/source", None);
        Assert.Equal(("u1", "v_u1", UploadStatus.Pending, 10L), (byKey!.Id, byKey.VideoId, byKey.Status, byKey.DeclaredBytes!.Value));
        Assert.Null(await _uploads.FindByKeyAsync("videos/v_other/source", None));

        Assert.True(await _uploads.MarkCompletedAsync("u1", None));
        Assert.False(await _uploads.MarkCompletedAsync("u1", None));
        var completed = await _uploads.ReadAsync("u1", None);
        Assert.Equal(UploadStatus.Completed, completed!.Status);
        Assert.NotNull(completed.CompletedAt);
        Assert.False(await _uploads.MarkCompletedAsync("u_missing", None));
    }

    [Fact]
    public async Task An_id_or_a_key_is_never_taken_twice()
    {
        await _uploads.CreateAsync(Upload("u1", "videos/v_u1/source"), None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => _uploads.CreateAsync(Upload("u1", "videos/v_x/source"), None));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => _uploads.CreateAsync(Upload("u2", "videos/v_u1/source"), None));
        Assert.Null(await _uploads.ReadAsync("u2", None));
        Assert.Equal("u1", (await _uploads.FindByKeyAsync("videos/v_u1/source", None))!.Id);
    }
}
