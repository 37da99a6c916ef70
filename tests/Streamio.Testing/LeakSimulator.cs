using System.Globalization;

namespace Streamio.Testing;

/// <summary>
/// How a leak was made: the stream shown in a player of <see cref="PlayerWidth"/> × <see cref="PlayerHeight"/> (the
/// picture fitted inside, bars around it), with the display's <see cref="Gamma"/>, screen-captured, scaled to
/// <see cref="OutputHeight"/> lines, re-encoded at <see cref="Kbps"/> and cut to start <see cref="StartSeconds"/> into the video.
/// </summary>
public sealed record LeakDegradation(
    double StartSeconds, double? DurationSeconds = null, int Kbps = 400, int OutputHeight = 480, int PlayerWidth = 800, int PlayerHeight = 600,
    double Gamma = 1.1)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"from {StartSeconds}s{(DurationSeconds is { } d ? $" for {d}s" : "")}, {PlayerWidth}x{PlayerHeight} player, gamma {Gamma}, {OutputHeight}p at {Kbps} kbps");
}

/// <summary>Makes simulated leaks: a real client plays a stream (FFmpeg's HLS demuxer on a tokenized URL, or a file) and records it badly.</summary>
public static class LeakSimulator
{
    public static async Task<string> RecordAsync(string input, LeakDegradation leak, string outputPath)
    {
        var (pw, ph) = (Even(leak.PlayerWidth), Even(leak.PlayerHeight));
        var outputWidth = Even(leak.OutputHeight * (double)pw / ph);
        var graph = string.Create(CultureInfo.InvariantCulture,
            $"scale={pw}:{ph}:force_original_aspect_ratio=decrease:force_divisible_by=2,pad={pw}:{ph}:(ow-iw)/2:(oh-ih)/2:color=black,"
            + $"eq=gamma={leak.Gamma}:saturation=0.9,scale={outputWidth}:{Even(leak.OutputHeight)},format=yuv420p");
        var kbps = leak.Kbps.ToString(CultureInfo.InvariantCulture) + "k";
        List<string> args =
        [
            "-hide_banner", "-nostdin", "-y", "-v", "error",
            "-i", input,
            // After -i: decoded and dropped up to the start, so the cut lands exactly there, as a screen recorder's would.
            "-ss", leak.StartSeconds.ToString(CultureInfo.InvariantCulture),
        ];
        if (leak.DurationSeconds is { } duration)
        {
            args.AddRange(["-t", duration.ToString(CultureInfo.InvariantCulture)]);
        }

        args.AddRange(["-map", "0:v:0", "-an", "-vf", graph, "-c:v", "libx264", "-preset", "veryfast", "-b:v", kbps, "-maxrate", kbps, "-bufsize", kbps, "-f", "mp4", outputPath]);
        await FfmpegTools.FfmpegAsync([.. args]);
        return outputPath;
    }

    /// <summary>
    /// A moving clip that never repeats (drifting gradients under a lavfi pattern such as testsrc2), so a leak can be
    /// placed in it by its pictures. Another seed and pattern make another video.
    /// </summary>
    public static async Task<string> MovingClipAsync(string path, double seconds, int width, int height, int seed, string pattern = "testsrc2")
    {
        var (d, size) = (seconds.ToString(CultureInfo.InvariantCulture), string.Create(CultureInfo.InvariantCulture, $"{width}x{height}"));
        var graph = string.Create(CultureInfo.InvariantCulture,
            $"gradients=s={size}:r=25:d={d}:speed=0.03:seed={seed}:n=4,format=yuv420p[g];{pattern}=s={size}:r=25:d={d},format=yuv420p[t];[g][t]blend=all_mode=average");
        await FfmpegTools.FfmpegAsync("-hide_banner", "-nostdin", "-y", "-v", "error", "-f", "lavfi", "-i", graph, "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-f", "mp4", path);
        return path;
    }

    private static int Even(double value) => Math.Max(2, (int)Math.Round(value / 2) * 2);
}
