using System.Collections.Concurrent;
using System.Diagnostics;

namespace Streamio.Testing;

/// <summary>
/// A live publisher for tests: FFmpeg encoding a lavfi test pattern and tone in real time (<c>-re</c>), either to
/// MPEG-TS on its stdout (which a test hands to the publish handler as an ingest session's media) or straight to an
/// ingest server's RTMP or SRT URL. Disposing kills it.
/// </summary>
public sealed class TestPublisher : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _errors = new();
    private bool _disposed;

    private TestPublisher(Process process) => _process = process;

    public Stream Media => _process.StandardOutput.BaseStream;

    public bool HasExited => _process.HasExited;

    /// <summary>What FFmpeg wrote to stderr so far (errors only).</summary>
    public string Errors => string.Join('\n', _errors);

    /// <summary>Publishes MPEG-TS on stdout (<see cref="Media"/>).</summary>
    public static TestPublisher Start(int seconds, int width = 640, int height = 360) =>
        Launch(Arguments(seconds, width, height, "mpegts", "pipe:1"), redirectOutput: true);

    /// <summary>Publishes to an ingest URL: FLV to <c>rtmp://…</c>, MPEG-TS to <c>srt://…</c>.</summary>
    public static TestPublisher StartTo(string url, int seconds, int width = 640, int height = 360) =>
        Launch(Arguments(seconds, width, height, url.StartsWith("rtmp", StringComparison.OrdinalIgnoreCase) ? "flv" : "mpegts", url), redirectOutput: false);

    /// <summary>The FFmpeg command line: a keyframe every second (25 fps), H.264 + AAC in real time.</summary>
    public static IReadOnlyList<string> Arguments(int seconds, int width, int height, string format, string target) =>
    [
        "-hide_banner", "-nostdin", "-loglevel", "error", "-re",
        "-f", "lavfi", "-i", $"testsrc2=size={width}x{height}:rate=25:duration={seconds}",
        "-f", "lavfi", "-i", $"sine=frequency=330:sample_rate=48000:duration={seconds}",
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "25", "-c:a", "aac", "-f", format, target,
    ];

    /// <summary>Waits for FFmpeg to exit by itself and gives its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL, as a crashed encoder: no trailer, no goodbye to the server.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    private static TestPublisher Launch(IReadOnlyList<string> arguments, bool redirectOutput)
    {
        var info = new ProcessStartInfo(FfmpegTools.Ffmpeg) { RedirectStandardOutput = redirectOutput, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("FFmpeg did not start.");
        var publisher = new TestPublisher(process);
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null)
            {
                publisher._errors.Enqueue(line.Data);
            }
        };
        process.BeginErrorReadLine();
        return publisher;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
