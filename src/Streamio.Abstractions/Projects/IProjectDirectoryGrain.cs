namespace Streamio.Abstractions.Projects;

/// <summary>Every project's id, for the admin listing (a single grain, key <see cref="ProjectDirectory.Key"/>); written as a project is created.</summary>
public interface IProjectDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Adds the id (idempotent).</summary>
    Task AddAsync(string projectId);

    /// <summary>Project ids in the order they were added.</summary>
    [ReadOnly]
    Task<IReadOnlyList<string>> ListAsync();
}

public static class ProjectDirectory
{
    public const long Key = 0;

    public static IProjectDirectoryGrain Of(IGrainFactory grains) => grains.GetGrain<IProjectDirectoryGrain>(Key);
}
