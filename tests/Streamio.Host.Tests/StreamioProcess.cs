using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Streamio.Host.Tests;

/// <summary>
/// Streamio as a separate OS process (the same host binary the tests reference), so a test can kill it like a crash
/// would and start it again on the same data.
/// </summary>
public sealed class StreamioProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringWriterQueue _output = new();

    /// <summary>Every node started and not yet disposed: killed when the test process exits, should a test leave one behind.</summary>
    private static readonly ConcurrentDictionary<StreamioProcess, byte> Live = new();

    static StreamioProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var node in Live.Keys)
        {
            try
            {
                node._process.Kill(entireProcessTree: true);
            }
            catch (Exception error) when (error is InvalidOperationException or AggregateException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }
    };

    private StreamioProcess(Process process, Uri baseAddress, IReadOnlyDictionary<string, string?> settings)
    {
        _process = process;
        BaseAddress = baseAddress;
        Settings = settings;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
        Admin = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
        Admin.DefaultRequestHeaders.Add("x-api-key", StreamioNode.AdminKey);
    }

    public Uri BaseAddress { get; }

    /// <summary>The settings the process was started with (passed as environment variables).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    public HttpClient Http { get; }

    /// <summary>Calls with the test admin key (set by <see cref="StreamioNode.DefaultSettings"/>).</summary>
    public HttpClient Admin { get; }

    public string RecentOutput => _output.Text;

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Starts the host with <paramref name="settings"/> on a free loopback HTTP port and waits until it is ready. A port
    /// can be taken by someone else between being found free and being bound: then it starts again on fresh ports.
    /// </summary>
    public static async Task<StreamioProcess> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var current = new Dictionary<string, string?>(settings);
        for (var attempt = 1; ; attempt++)
        {
            var node = Launch(current);
            try
            {
                await node.WaitUntilHealthyAsync();
                return node;
            }
            catch (InvalidOperationException) when (attempt < 3 && node.RecentOutput.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await node.DisposeAsync();
                foreach (var key in (string[])["Streamio:Cluster:SiloPort", "Streamio:Cluster:GatewayPort"])
                {
                    if (current.ContainsKey(key))
                    {
                        current[key] = Streamio.Testing.LoopbackPort.Free().ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }
                }
            }
            catch
            {
                // Not ready in time (or exited): nothing is left running behind the failure.
                await node.DisposeAsync();
                throw;
            }
        }
    }

    private static StreamioProcess Launch(Dictionary<string, string?> settings)
    {
        var port = Streamio.Testing.LoopbackPort.Free();
        var hostDll = typeof(StreamioApp).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(hostDll)!,
        };
        start.ArgumentList.Add(hostDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__Console__TimestampFormat"] = "HH:mm:ss.fff ";
        var process = Process.Start(start)!;
        var node = new StreamioProcess(process, new Uri($"http://127.0.0.1:{port}/"), new Dictionary<string, string?>(settings));
        Live[node] = 0;
        process.OutputDataReceived += (_, line) => node._output.Add(line.Data);
        process.ErrorDataReceived += (_, line) => node._output.Add(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    private async Task WaitUntilHealthyAsync()
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Streamio exited with {_process.ExitCode}:\n{RecentOutput}");
            }
            try
            {
                using var response = await Http.GetAsync("/readyz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"Streamio did not become ready:\n{RecentOutput}");
    }

    /// <summary>SIGKILL, like a crash or a lost node: no shutdown code runs (its FFmpeg children go with it).</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>SIGTERM, as an orchestrator stopping the node would send; returns at once.</summary>
    public async Task SignalTerminateAsync()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!;
        await kill.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as an orchestrator stopping the node would send; returns once the process has exited.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        await SignalTerminateAsync();
        await WaitForExitAsync(timeout);
    }

    /// <summary>Waits for the process to exit (the bound only guards against a hang).</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Streamio (pid {ProcessId}) did not exit within {timeout.TotalSeconds:0} s:\n{RecentOutput}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Live.TryRemove(this, out _);
        _process.Dispose();
        Http.Dispose();
        Admin.Dispose();
    }


    /// <summary>The last lines a process printed, for failure messages.</summary>
    private sealed class StringWriterQueue
    {
        private readonly Queue<string> _lines = new();

        public string Text
        {
            get
            {
                lock (_lines)
                {
                    return string.Join('\n', _lines);
                }
            }
        }

        public void Add(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (_lines)
            {
                _lines.Enqueue(line);
                while (_lines.Count > 400)
                {
                    _lines.Dequeue();
                }
            }
        }
    }
}
