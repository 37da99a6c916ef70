using System.Globalization;
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

    /// <summary>A thread's scheduling policy and nice value (/proc/…/stat fields 41 and 19): policy 0 is normal, 5 idle.</summary>
    public static (int Policy, int Nice) PriorityOf(string statPath)
    {
        var stat = File.ReadAllText(statPath);
        // Fields after the command (in parentheses, which may itself hold spaces) start at field 3.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (int.Parse(fields[41 - 3], CultureInfo.InvariantCulture), int.Parse(fields[19 - 3], CultureInfo.InvariantCulture));
    }
}
