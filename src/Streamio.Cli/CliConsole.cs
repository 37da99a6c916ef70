using System.Diagnostics;

namespace Streamio.Cli;

/// <summary>
/// Where the CLI reads its environment and writes its output. <see cref="System"/> is the real process; tests run the
/// same commands in-process with their own writers and variables, so parallel runs never share state.
/// </summary>
public sealed class CliConsole
{
    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    /// <summary>A live progress bar goes to stderr only when stderr is a terminal; otherwise plain progress lines do.</summary>
    public bool ErrorIsTerminal { get; init; }

    /// <summary>`cluster --watch` redraws in place only on a terminal; otherwise it prints one block per refresh.</summary>
    public bool OutIsTerminal { get; init; }

    public required Func<string, string?> Environment { get; init; }

    /// <summary>Opens a URL with the desktop's handler (`play --open`).</summary>
    public required Action<string> OpenUrl { get; init; }

    public static CliConsole System { get; } = new()
    {
        Out = Console.Out,
        Error = Console.Error,
        ErrorIsTerminal = !Console.IsErrorRedirected,
        OutIsTerminal = !Console.IsOutputRedirected,
        Environment = global::System.Environment.GetEnvironmentVariable,
        OpenUrl = OpenWithDesktop,
    };

    private static void OpenWithDesktop(string url)
    {
        var opener = OperatingSystem.IsWindows() ? null : OperatingSystem.IsMacOS() ? "open" : "xdg-open";
        var start = opener is null ? new ProcessStartInfo(url) { UseShellExecute = true } : new ProcessStartInfo(opener, [url]);
        try
        {
            using var process = Process.Start(start);
        }
        catch (global::System.ComponentModel.Win32Exception error)
        {
            throw new CliException(ExitCodes.Usage, $"Could not open the URL ({opener ?? "shell"}: {error.Message}); it is: {url}");
        }
    }
}
