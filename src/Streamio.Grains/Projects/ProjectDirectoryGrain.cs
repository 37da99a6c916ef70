using Streamio.Abstractions.Projects;

namespace Streamio.Grains.Projects;

/// <summary>Every project's id (a single grain): what GET /v1/projects walks.</summary>
[GrainType("project-directory")]
public sealed class ProjectDirectoryGrain([PersistentState("project-directory", GrainStorage.Name)] IPersistentState<ProjectDirectoryState> store)
    : Grain, IProjectDirectoryGrain
{
    public async Task AddAsync(string projectId)
    {
        if (!store.State.ProjectIds.Contains(projectId))
        {
            store.State.ProjectIds.Add(projectId);
            await store.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>(store.State.ProjectIds.ToList());
}
