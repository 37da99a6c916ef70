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

    /// <summary>CPU seconds of the node and of every child it has waited for (its FFmpeg runs), from /proc.</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return Enumerable.Range(11, 4).Sum(index => double.Parse(fields[index], CultureInfo.InvariantCulture)) / 100;
    }

    /// <summary>Starts the host; with <paramref name="core"/>, pinned to it; with <paramref name="niceness"/>, at that scheduling priority.</summary>
    public static async Task<NodeProcess> StartAsync(IReadOnlyDictionary<string, string> settings, int? core, int? niceness = null)
    {
        var port = Streamio.Testing.LoopbackPort.Free();
        var hostDll = typeof(StreamioApp).Assembly.Location;
        // taskset and nice exec what follows, so the pid stays the host's.
        var command = new List<string>();
        if (niceness is { } level)
        {
            command.AddRange(["nice", "-n", level.ToString(CultureInfo.InvariantCulture)]);
        }
        if (core is { } pinned)
        {
            command.AddRange(["taskset", "-c", pinned.ToString(CultureInfo.InvariantCulture)]);
        }
        command.Add("dotnet");
        var start = new ProcessStartInfo(command[0]) { WorkingDirectory = Path.GetDirectoryName(hostDll)! };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
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
