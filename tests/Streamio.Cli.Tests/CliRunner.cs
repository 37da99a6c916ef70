using System.Text;
using System.Text.Json;
using Streamio.Cli.Commands;
using Streamio.Testing;

namespace Streamio.Cli.Tests;

/// <summary>What a run of `streamio` printed and exited with.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public JsonElement Json => JsonDocument.Parse(Out).RootElement;

    /// <summary>Each line of stdout as a JSON document (`upload --json` prints one per file).</summary>
    public IReadOnlyList<JsonElement> JsonLines =>
        Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();

    public CliResult Expect(int exitCode)
    {
        Assert.True(exitCode == ExitCode, $"expected exit code {exitCode}, got {ExitCode}\nstdout:\n{Out}\nstderr:\n{Error}");
        return this;
    }
}

/// <summary>
/// Runs the CLI in-process through its entry point (<see cref="CliApp.RunAsync"/>) with its own environment variables,
/// its own configuration folder and captured stdout/stderr, so tests run side by side without sharing anything.
/// </summary>
public sealed class CliRunner(Dictionary<string, string?> environment) : IDisposable
{
    private readonly TempDirectory _config = new("cli-config");

    public Dictionary<string, string?> Environment { get; } = environment;

    public string ConfigFolder => _config.Path;

    /// <summary>URLs `play --open` asked the desktop to open.</summary>
    public List<string> Opened { get; } = [];

    /// <summary>Called with every line the run writes to stderr (e.g. to interrupt an upload once it is under way).</summary>
    public Action<string>? OnErrorLine { get; set; }

    /// <summary>Whether the run believes stderr is a terminal (live bars instead of plain progress lines).</summary>
    public bool ErrorIsTerminal { get; set; }

    /// <summary>Called with every line the run writes to stdout.</summary>
    public Action<string>? OnOutputLine { get; set; }

    public async Task<CliResult> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var output = new LockedWriter(line => OnOutputLine?.Invoke(line));
        var error = new LockedWriter(line => OnErrorLine?.Invoke(line));
        var variables = new Dictionary<string, string?>(Environment) { ["STREAMIO_CONFIG_DIR"] = Environment.GetValueOrDefault("STREAMIO_CONFIG_DIR") ?? _config.Path };
        var console = new CliConsole
        {
            Out = output,
            Error = error,
            ErrorIsTerminal = ErrorIsTerminal,
            Environment = name => variables.GetValueOrDefault(name),
            OpenUrl = url => Opened.Add(url),
        };
        var exitCode = await CliApp.RunAsync(args, console, cancellationToken);
        return new CliResult(exitCode, output.Text, error.Text);
    }

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(args, CancellationToken.None);

    public void Dispose() => _config.Dispose();

    /// <summary>A thread-safe capture that can watch whole lines as they are written.</summary>
    private sealed class LockedWriter(Action<string>? onLine) : TextWriter
    {
        private readonly StringBuilder _text = new();
        private readonly StringBuilder _line = new();

        public override Encoding Encoding => Encoding.UTF8;

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public override void Write(char value)
        {
            string? completed = null;
            lock (_text)
            {
                _text.Append(value);
                if (value == '\n')
                {
                    completed = _line.ToString();
                    _line.Clear();
                }
                else
                {
                    _line.Append(value);
                }
            }
            if (completed is not null)
            {
                onLine?.Invoke(completed);
            }
        }
    }
}
