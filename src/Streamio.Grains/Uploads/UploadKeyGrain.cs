using Streamio.Abstractions.Uploads;

namespace Streamio.Grains.Uploads;

/// <summary>Object key → upload (key: the object key). It never calls an upload grain, so the two cannot wait on each other.</summary>
[GrainType("upload-key")]
public sealed class UploadKeyGrain([PersistentState("upload-key", GrainStorage.Name)] IPersistentState<UploadKeyState> store) : Grain, IUploadKeyGrain
{
    public async Task<bool> ClaimAsync(string uploadId)
    {
        if (store.State.UploadId is { } owner)
        {
            return owner == uploadId;
        }
        store.State.UploadId = uploadId;
        await store.WriteStateAsync();
        return true;
    }

    public Task<string?> GetAsync() => Task.FromResult(store.State.UploadId);
}
