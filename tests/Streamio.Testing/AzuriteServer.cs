using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace Streamio.Testing;

/// <summary>
/// A real Azure Table endpoint for tests: Azurite (npm, from the repository's node_modules) on a free loopback port,
/// in memory, with telemetry off (it would otherwise call out), stopped at the end. Tests share one and keep apart by
/// table or cluster id.
/// </summary>
public sealed class AzuriteServer : IAsyncLifetime
{
    /// <summary>Azurite's well-known development account (public, documented; it guards nothing).</summary>
    public const string AccountName = "devstoreaccount1";

    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private Process? _process;
    private TempDirectory? _workspace;

    public int Port { get; private set; }

    /// <summary>An Azure Storage connection string naming only the table endpoint of this server.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};TableEndpoint=http://127.0.0.1:{Port}/{AccountName};";

    public async Task InitializeAsync()
    {
        var executable = FindExecutable();
        _workspace = new TempDirectory("azurite");
        Port = LoopbackPort.Free();
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // In memory, but Azurite may still leave files in its working directory: keep them out of the repository.
            WorkingDirectory = _workspace.Path,
        };
        foreach (var argument in (string[])[
            "--tableHost", "127.0.0.1", "--tablePort", Port.ToString(), "--inMemoryPersistence",
            "--disableTelemetry", "--skipApiVersionCheck", "--silent"])
        {
            start.ArgumentList.Add(argument);
        }
        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            throw new InvalidOperationException(
                $"Could not run {executable} ({error.Message}): Azurite needs Node.js ('apt-get install nodejs npm') and 'npm ci' at the repository root.", error);
        }
        var output = new StringBuilder();
        _process.ErrorDataReceived += (_, line) => { lock (output) { output.AppendLine(line.Data); } };
        _process.OutputDataReceived += (_, line) => { lock (output) { output.AppendLine(line.Data); } };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await AcceptsAsync(Port))
        {
            if (_process.HasExited || timeout.IsCancellationRequested)
            {
                await DisposeAsync();
                lock (output)
                {
                    throw new InvalidOperationException($"Azurite ({executable}) did not start on port {Port}: {output}");
                }
            }
            await Task.Delay(100);
        }
    }

    public Task DisposeAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
            process.Dispose();
        }
        _workspace?.Dispose();
        _workspace = null;
        return Task.CompletedTask;
    }

    /// <summary>node_modules/.bin/azurite-table under the repository root (the folder holding Streamio.sln).</summary>
    private static string FindExecutable()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Streamio.sln")))
            {
                var executable = Path.Combine(directory.FullName, "node_modules", ".bin", "azurite-table");
                return File.Exists(executable)
                    ? executable
                    : throw new InvalidOperationException(
                        $"The Azure Table tests need Azurite from npm and {executable} is missing: run ./test.sh or 'npm ci' in {directory.FullName} " +
                        "(Node.js and npm come from 'apt-get install nodejs npm').");
            }
        }
        throw new InvalidOperationException(
            $"The Azure Table tests need Azurite from npm, but no Streamio.sln was found above {AppContext.BaseDirectory}: run ./test.sh or 'npm ci' at the repository root.");
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
