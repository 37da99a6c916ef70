using System.Diagnostics;
using System.Globalization;
using System.Net;
using Streamio.Host;

namespace Streamio.Bench;

/// <summary>The Streamio host as an OS process, optionally pinned to one core with taskset (its FFmpeg children inherit it).</summary>
internal sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;

    private NodeProcess(Process process, Uri baseAddress)
    {
        _process = process;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(30) };
    }

    public HttpClient Http { get; }

    public static async Task<NodeProcess> StartAsync(IReadOnlyDictionary<string, string> settings, int? core)
    {
        var port = Streamio.Testing.LoopbackPort.Free();
        var hostDll = typeof(StreamioApp).Assembly.Location;
        var start = new ProcessStartInfo(core is null ? "dotnet" : "taskset") { WorkingDirectory = Path.GetDirectoryName(hostDll)! };
        if (core is { } pinned)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(pinned.ToString(CultureInfo.InvariantCulture));
            start.ArgumentList.Add("dotnet");
        }
        foreach (var argument in new[] { hostDll, "--urls", $"http://127.0.0.1:{port}" })
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var node = new NodeProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}/"));
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (node._process.HasExited)
            {
                throw new InvalidOperationException($"Streamio exited with {node._process.ExitCode} at start-up.");
            }
            try
            {
                using var response = await node.Http.GetAsync("/readyz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return node;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("Streamio did not become ready.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Http.Dispose();
    }

}
