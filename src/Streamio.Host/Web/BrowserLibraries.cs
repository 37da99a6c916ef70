using Microsoft.Extensions.Options;

namespace Streamio.Host.Web;

/// <summary>
/// The browser libraries the page loads, served straight from npm's node_modules (package.json at the repository root;
/// ./run.sh and ./test.sh install them), never copied into the repository.
/// </summary>
public sealed class BrowserLibraries
{
    public const string InstallHint = "The player and live-progress libraries are not installed: run `npm ci` in the Streamio folder (./run.sh does it), or set Streamio:Web:NodeModulesPath.";

    /// <summary>URL name under /lib → file inside node_modules.</summary>
    public static readonly IReadOnlyDictionary<string, string> Files = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["hls.js"] = "hls.js/dist/hls.min.js",
        ["signalr.js"] = "@microsoft/signalr/dist/browser/signalr.min.js",
    };

    /// <summary>Served under /lib for other pages, but not loaded (nor required) by the web app: dash.js plays a video's dashUrl.</summary>
    public static readonly IReadOnlyDictionary<string, string> PlayerFiles = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["dash.js"] = "dashjs/dist/modern/umd/dash.all.min.js",
    };

    public BrowserLibraries(IOptions<WebOptions> options, IHostEnvironment environment)
    {
        var configured = options.Value.NodeModulesPath;
        NodeModulesPath = configured.Length > 0
            ? Path.GetFullPath(configured, environment.ContentRootPath)
            : FindUpwards(environment.ContentRootPath) ?? FindUpwards(Directory.GetCurrentDirectory()) ?? FindUpwards(AppContext.BaseDirectory);
    }

    /// <summary>The node_modules folder in use, or null when none was found.</summary>
    public string? NodeModulesPath { get; }

    public bool Available => Files.Keys.All(name => PathOf(name) is not null);

    /// <summary>The file behind /lib/{name}, or null when it is unknown or not installed.</summary>
    public string? PathOf(string name) =>
        NodeModulesPath is not null && (Files.TryGetValue(name, out var relative) || PlayerFiles.TryGetValue(name, out relative))
            && Path.Combine(NodeModulesPath, relative) is var path && File.Exists(path)
            ? path
            : null;

    private static string? FindUpwards(string start)
    {
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "node_modules");
            if (Directory.Exists(Path.Combine(candidate, "hls.js")))
            {
                return candidate;
            }
        }
        return null;
    }
}
