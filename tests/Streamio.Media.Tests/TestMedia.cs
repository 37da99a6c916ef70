using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Streamio.Testing;

namespace Streamio.Media.Tests;

/// <summary>The real media services, wired like the host wires them, over the real FFmpeg.</summary>
internal static class TestMedia
{
    public static FfmpegRunner Runner(FfmpegOptions? options = null) =>
        new(FfmpegTools.Runner(), Options.Create(options ?? FfmpegTools.Options()));

    public static FfmpegEncoder Encoder(FfmpegOptions? options = null)
    {
        options ??= FfmpegTools.Options();
        return new FfmpegEncoder(Runner(options), Options.Create(options), NullLogger<FfmpegEncoder>.Instance);
    }

    public static FfprobeProber Prober(FfmpegOptions? options = null)
    {
        options ??= FfmpegTools.Options();
        return new FfprobeProber(Runner(options), Options.Create(options));
    }

    /// <summary>Whether a process id is still alive (or a zombie nobody reaped).</summary>
    public static bool ProcessExists(int pid) => Directory.Exists($"/proc/{pid}");
}
