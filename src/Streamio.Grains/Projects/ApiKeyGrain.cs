using Streamio.Abstractions.Projects;

namespace Streamio.Grains.Projects;

/// <summary>The API-key lookup (key: the public prefix): written once, when the project grain issues the key.</summary>
[GrainType("api-key")]
public sealed class ApiKeyGrain([PersistentState("api-key", GrainStorage.Name)] IPersistentState<ApiKeyIndexState> store) : Grain, IApiKeyGrain
{
    public async Task<bool> ClaimAsync(ApiKeyLocation location)
    {
        if (store.State.ProjectId is not null)
        {
            return store.State.ProjectId == location.ProjectId && store.State.KeyId == location.KeyId;
        }
        store.State = new ApiKeyIndexState { ProjectId = location.ProjectId, KeyId = location.KeyId };
        await store.WriteStateAsync();
        return true;
    }

    public Task<ApiKeyLocation?> GetAsync() =>
        Task.FromResult(store.State is { ProjectId: { } projectId, KeyId: { } keyId } ? new ApiKeyLocation(projectId, keyId) : null);
}
