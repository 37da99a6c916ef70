namespace Streamio.Host.Web;

/// <summary>The web app's settings (configuration section <c>Streamio:Web</c>).</summary>
public sealed class WebOptions
{
    /// <summary>Folder of the page's static files. Empty: the host's wwwroot (content root, else beside the binary).</summary>
    public string RootPath { get; set; } = "";

    /// <summary>The npm node_modules folder the browser libraries are served from. Empty: found by walking up from the content root and the current folder.</summary>
    public string NodeModulesPath { get; set; } = "";
}
