namespace Streamio.Host.Configuration;

/// <summary>Top-level settings (configuration section <c>Streamio</c>).</summary>
public sealed class StreamioOptions
{
    /// <summary>What this process does: "api", "silo", or both (the embedded default).</summary>
    public string Roles { get; set; } = "api,silo";

    /// <summary>Largest accepted upload, enforced while streaming.</summary>
    public long MaxUploadBytes { get; set; } = 1L << 30;

    /// <summary>Folder for embedded-mode data (database, objects, scratch, generated secrets).</summary>
    public string DataPath { get; set; } = "data";

    public bool RunsApi => RoleNames.Contains("api", StringComparer.OrdinalIgnoreCase);

    public bool RunsSilo => RoleNames.Contains("silo", StringComparer.OrdinalIgnoreCase);

    private string[] RoleNames => Roles.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Refuses a node that would do nothing or a misspelt role, at start-up rather than silently.</summary>
    public void ValidateRoles()
    {
        var unknown = RoleNames.Where(role => !role.Equals("api", StringComparison.OrdinalIgnoreCase) && !role.Equals("silo", StringComparison.OrdinalIgnoreCase)).ToList();
        if (unknown.Count > 0 || RoleNames.Length == 0)
        {
            throw new InvalidOperationException(
                $"Streamio:Roles is '{Roles}'; it must list 'api', 'silo' or both (e.g. 'api,silo'){(unknown.Count > 0 ? $", not '{string.Join("', '", unknown)}'" : "")}.");
        }
    }
}
