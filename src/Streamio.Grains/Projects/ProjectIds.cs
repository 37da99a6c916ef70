namespace Streamio.Grains.Projects;

public static class ProjectIds
{
    /// <summary>The project anonymous callers act in (when allowed), and the owner of videos made before projects existed.</summary>
    public const string Default = "default";

    public static string New() => $"p_{Guid.CreateVersion7():N}";
}
