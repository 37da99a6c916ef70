using System.Diagnostics;
using System.Globalization;
using Streamio.Media.Processes;
using Streamio.Testing;

namespace Streamio.Ingest.Tests.Rtmp;

/// <summary>A real FFmpeg publishing a generated test pattern and tone over RTMP, as a broadcaster would.</summary>
public sealed class RtmpFfmpegPublisher
{
    public const int FrameRate = 25;

    private int _pid;

    private RtmpFfmpegPublisher(Task<ProcessRunResult> run) => Run = run;

    public Task<ProcessRunResult> Run { get; }

    /// <summary>FFmpeg's arguments: real-time (-re) 320x180 testsrc2 at 25 fps with a sine, H.264 (a keyframe a second) and AAC, to FLV over RTMP.</summary>
    public static IReadOnlyList<string> Arguments(string url, double seconds) =>
    [
        "-hide_banner", "-nostdin", "-loglevel", "info",
        "-re", "-f", "lavfi", "-i", $"testsrc2=size=320x180:rate={FrameRate}",
        "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
        "-t", seconds.ToString(CultureInfo.InvariantCulture),
        "-c:v", "libx264", "-preset", "ultrafast", "-g", FrameRate.ToString(CultureInfo.InvariantCulture), "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "64k",
        "-f", "flv", url,
    ];

    public static async Task<RtmpFfmpegPublisher> StartAsync(string url, double seconds)
    {
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var request = new ProcessRunRequest(FfmpegTools.Ffmpeg, Arguments(url, seconds))
        {
            Timeout = TimeSpan.FromSeconds(seconds + 120),
            OnStarted = started.SetResult,
        };
        var publisher = new RtmpFfmpegPublisher(FfmpegTools.Runner().RunAsync(request, CancellationToken.None));
        publisher._pid = await started.Task;
        return publisher;
    }

    /// <summary>SIGKILL: the publisher vanishes without a word (no FCUnpublish, no deleteStream); only the kernel closes its socket.</summary>
    public void Kill()
    {
        using var process = Process.GetProcessById(_pid);
        process.Kill();
    }
}
