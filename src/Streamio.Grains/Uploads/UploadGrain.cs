using Streamio.Abstractions.Uploads;

namespace Streamio.Grains.Uploads;

/// <summary>An upload intent (key: upload id); its object key is claimed in the key index before the intent is written.</summary>
[GrainType("upload")]
public sealed class UploadGrain([PersistentState("upload", GrainStorage.Name)] IPersistentState<UploadState> store, TimeProvider time)
    : Grain, IUploadGrain
{
    private string UploadId => this.GetPrimaryKeyString();

    public async Task<UploadView> CreateAsync(NewUpload upload)
    {
        if (store.State.Exists)
        {
            throw new InvalidOperationException($"Upload {UploadId} already exists.");
        }
        // A claim without an intent (a crash in between) is harmless: the key finds no upload, and this id may claim it again.
        if (!await GrainFactory.GetGrain<IUploadKeyGrain>(upload.Key).ClaimAsync(UploadId))
        {
            throw new InvalidOperationException($"The object key {upload.Key} belongs to another upload.");
        }
        store.State = new UploadState
        {
            ProjectId = upload.ProjectId,
            VideoId = upload.VideoId,
            Key = upload.Key,
            Title = upload.Title,
            WithLogo = upload.WithLogo,
            ContentType = upload.ContentType,
            DeclaredBytes = upload.DeclaredBytes,
            ExpiresAt = upload.ExpiresAt,
            Status = UploadStatus.Pending,
        };
        await store.WriteStateAsync();
        return store.State.View(UploadId);
    }

    public Task<UploadView?> GetAsync() => Task.FromResult(store.State.Exists ? store.State.View(UploadId) : null);

    public async Task<bool> MarkCompletedAsync()
    {
        if (store.State is not { Exists: true, Status: UploadStatus.Pending } upload)
        {
            return false;
        }
        upload.Status = UploadStatus.Completed;
        upload.CompletedAt = time.GetUtcNow();
        await store.WriteStateAsync();
        return true;
    }
}
