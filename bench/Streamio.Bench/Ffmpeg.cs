using System.Diagnostics;

namespace Streamio.Bench;

internal static class Ffmpeg
{
    public static async Task RunAsync(IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg {string.Join(' ', arguments)} failed:\n{await stderr}");
        }
    }

    /// <summary>
    /// The benchmark clip: testsrc2 (1080p30 unless told) with a sine tone, a keyframe every <paramref name="gopSeconds"/>
    /// (2 s like a phone or camera file; 10 s for the long-GOP source kind, where a chunk start between keyframes costs
    /// decoding the frames before it).
    /// </summary>
    public static async Task<string> ClipAsync(string directory, int seconds, int width = 1920, int height = 1080, int gopSeconds = 2)
    {
        var path = Path.Combine(directory, gopSeconds == 2 ? $"clip-{height}p30-{seconds}s.mp4" : $"clip-{height}p30-{seconds}s-gop{gopSeconds}.mp4");
        if (!File.Exists(path))
        {
            Console.WriteLine($"generating {path} ...");
            await RunAsync([
                "-hide_banner", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", $"testsrc2=size={width}x{height}:rate=30:duration={seconds}",
                "-f", "lavfi", "-i", $"sine=frequency=440:sample_rate=48000:duration={seconds}",
                "-c:v", "libx264", "-preset", "veryfast", "-g", (gopSeconds * 30).ToString(System.Globalization.CultureInfo.InvariantCulture), "-keyint_min", (gopSeconds * 30).ToString(System.Globalization.CultureInfo.InvariantCulture), "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-b:v", "8M",
                "-c:a", "aac", "-b:a", "192k", "-movflags", "+faststart", "-shortest", path]);
        }
        return path;
    }
}
