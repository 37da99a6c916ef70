using System.Diagnostics;
using System.Globalization;
using Streamio.Media.Processes;
using Streamio.Testing;

namespace Streamio.Ingest.Tests.Srt;

/// <summary>A real FFmpeg publishing a synthetic 320x180 25 fps H.264 + AAC stream as MPEG-TS over SRT to loopback.</summary>
public sealed class SrtPublisher
{
    public const int FramesPerSecond = 25;

    private int _pid;

    private SrtPublisher(string host, int port, string streamId, double seconds, string? passphrase)
    {
        Run = FfmpegTools.Runner().RunAsync(
            new ProcessRunRequest(FfmpegTools.Ffmpeg, Arguments(host, port, streamId, seconds, passphrase))
            {
                Timeout = TimeSpan.FromSeconds(seconds + 60),
                OnStarted = pid => Volatile.Write(ref _pid, pid),
            },
            CancellationToken.None);
    }

    /// <summary>The FFmpeg run: its exit code and stderr tail.</summary>
    public Task<ProcessRunResult> Run { get; }

    public static SrtPublisher Start(int port, string streamId, double seconds = 4, string? passphrase = null, string host = "127.0.0.1") =>
        new(host, port, streamId, seconds, passphrase);

    /// <summary>
    /// FFmpeg's libsrt options: <c>latency</c> is in microseconds. FFmpeg 5.1 takes the stream id verbatim up to the
    /// next '&amp;' (no URL decoding), so the access-control form goes in as it is.
    /// </summary>
    public static IReadOnlyList<string> Arguments(string host, int port, string streamId, double seconds, string? passphrase)
    {
        var url = $"srt://{host}:{port}?streamid={streamId}&latency=120000"
            + (passphrase is null ? "" : $"&passphrase={passphrase}");
        return
        [
            "-hide_banner", "-nostdin", "-re",
            "-f", "lavfi", "-i", $"testsrc2=size=320x180:rate={FramesPerSecond}",
            "-f", "lavfi", "-i", "sine",
            "-t", seconds.ToString(CultureInfo.InvariantCulture),
            "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", $"{FramesPerSecond}", "-c:a", "aac",
            "-f", "mpegts", url,
        ];
    }

    /// <summary>SIGKILL: the publisher vanishes without a word to the server.</summary>
    public void Kill()
    {
        using var process = Process.GetProcessById(Volatile.Read(ref _pid));
        process.Kill();
    }
}
