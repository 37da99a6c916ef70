using System.Diagnostics;

namespace Streamio.Testing;

/// <summary>
/// A live publisher for tests: FFmpeg encoding a lavfi test pattern and tone in real time (<c>-re</c>) to MPEG-TS on
/// its stdout, which a test hands to the publish handler as an ingest session's media. Disposing kills it.
/// </summary>
public sealed class TestPublisher : IDisposable
{
    private readonly Process _process;
    private bool _disposed;

    private TestPublisher(Process process) => _process = process;

    public Stream Media => _process.StandardOutput.BaseStream;

    public bool HasExited => _process.HasExited;

    public static TestPublisher Start(int seconds, int width = 640, int height = 360)
    {
        var info = new ProcessStartInfo(FfmpegTools.Ffmpeg) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[
            "-hide_banner", "-loglevel", "error", "-re",
            "-f", "lavfi", "-i", $"testsrc2=size={width}x{height}:rate=25:duration={seconds}",
            "-f", "lavfi", "-i", $"sine=frequency=330:sample_rate=48000:duration={seconds}",
            "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "25", "-c:a", "aac", "-f", "mpegts", "pipe:1"])
        {
            info.ArgumentList.Add(argument);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("FFmpeg did not start.");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return new TestPublisher(process);
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
