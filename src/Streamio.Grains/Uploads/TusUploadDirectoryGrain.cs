using Streamio.Abstractions.Uploads;

namespace Streamio.Grains.Uploads;

/// <summary>The ids of the tus uploads that exist (a single grain): what the sweeper walks.</summary>
[GrainType("tus-upload-directory")]
public sealed class TusUploadDirectoryGrain([PersistentState("tus-upload-directory", GrainStorage.Name)] IPersistentState<TusUploadDirectoryState> store)
    : Grain, ITusUploadDirectoryGrain
{
    public async Task AddAsync(string uploadId)
    {
        if (!store.State.UploadIds.Contains(uploadId))
        {
            store.State.UploadIds.Add(uploadId);
            await store.WriteStateAsync();
        }
    }

    public async Task RemoveAsync(string uploadId)
    {
        if (store.State.UploadIds.Remove(uploadId))
        {
            await store.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>(store.State.UploadIds.ToList());
}
