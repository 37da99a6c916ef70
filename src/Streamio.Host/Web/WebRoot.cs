using Microsoft.Extensions.Options;

namespace Streamio.Host.Web;

/// <summary>The folder the web app's files are served from (configured, the host's wwwroot, or next to the binary); null when there is none.</summary>
public sealed class WebRoot(IOptions<WebOptions> options, IWebHostEnvironment environment)
{
    public string? Path { get; } = Find(options.Value, environment);

    private static string? Find(WebOptions options, IWebHostEnvironment environment)
    {
        if (options.RootPath.Length > 0)
        {
            return System.IO.Path.GetFullPath(options.RootPath, environment.ContentRootPath);
        }
        string[] candidates = [environment.WebRootPath ?? "", System.IO.Path.Combine(AppContext.BaseDirectory, "wwwroot")];
        return candidates.FirstOrDefault(folder => folder.Length > 0 && File.Exists(System.IO.Path.Combine(folder, "index.html")));
    }
}
