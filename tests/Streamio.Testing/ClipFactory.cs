using System.Collections.Concurrent;
using System.Globalization;

namespace Streamio.Testing;

public enum ClipContainer
{
    Mp4,
    Mov,
    Mkv,
    Webm,
}

/// <summary>
/// A synthetic clip: testsrc2 video (a moving pattern with a frame counter) and a sine tone. MP4/MOV/MKV carry
/// H.264 + AAC, WebM carries VP9 + Opus. <see cref="FrameRate"/> is FFmpeg syntax ("30", "30000/1001").
/// </summary>
public sealed record ClipSpec(
    double DurationSeconds = 4,
    int Width = 320,
    int Height = 180,
    string FrameRate = "30",
    bool WithAudio = true,
    ClipContainer Container = ClipContainer.Mp4,
    int? Gop = null)
{
    public string Extension => Container switch
    {
        ClipContainer.Mp4 => ".mp4",
        ClipContainer.Mov => ".mov",
        ClipContainer.Mkv => ".mkv",
        _ => ".webm",
    };

    public double Fps
    {
        get
        {
            var parts = FrameRate.Split('/');
            var num = double.Parse(parts[0], CultureInfo.InvariantCulture);
            return parts.Length == 2 ? num / double.Parse(parts[1], CultureInfo.InvariantCulture) : num;
        }
    }

    /// <summary>Frames in the clip: every frame whose start is before the end.</summary>
    public int FrameCount => (int)Math.Ceiling(DurationSeconds * Fps - 1e-6);

    internal string CacheName => string.Create(
        CultureInfo.InvariantCulture,
        $"d{DurationSeconds}_{Width}x{Height}_r{FrameRate.Replace('/', '-')}_{(WithAudio ? "a" : "na")}_g{Gop?.ToString(CultureInfo.InvariantCulture) ?? "def"}{Extension}");
}

/// <summary>
/// Generates clips with FFmpeg's lavfi sources at test time, once per parameter set: the cache folder is shared by
/// every test class and test process (written to a temporary name, then renamed into place).
/// </summary>
public static class ClipFactory
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> InProcess = new();

    public static string CacheDirectory { get; } = Path.Combine(Path.GetTempPath(), "streamio-clips", "v1");

    public static Task<string> GetAsync(ClipSpec spec) =>
        InProcess.GetOrAdd(spec.CacheName, _ => new Lazy<Task<string>>(() => CreateAsync(spec))).Value;

    private static async Task<string> CreateAsync(ClipSpec spec)
    {
        Directory.CreateDirectory(CacheDirectory);
        var path = Path.Combine(CacheDirectory, spec.CacheName);
        if (File.Exists(path))
        {
            return path;
        }

        var partial = Path.Combine(CacheDirectory, $"{Guid.NewGuid():N}.partial{spec.Extension}");
        try
        {
            await FfmpegTools.FfmpegAsync([.. Arguments(spec), partial]);
            try
            {
                File.Move(partial, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another test process made the same clip first; theirs is identical.
            }
        }
        finally
        {
            File.Delete(partial);
        }

        return path;
    }

    private static List<string> Arguments(ClipSpec spec)
    {
        var d = spec.DurationSeconds.ToString(CultureInfo.InvariantCulture);
        var gop = (spec.Gop ?? (int)Math.Round(spec.Fps * 2)).ToString(CultureInfo.InvariantCulture);
        List<string> args =
        [
            "-hide_banner", "-nostdin", "-y",
            "-f", "lavfi", "-i", $"testsrc2=size={spec.Width}x{spec.Height}:rate={spec.FrameRate}:duration={d}",
        ];
        if (spec.WithAudio)
        {
            args.AddRange(["-f", "lavfi", "-i", $"sine=frequency=440:sample_rate=48000:duration={d}", "-map", "0:v", "-map", "1:a"]);
        }

        if (spec.Container == ClipContainer.Webm)
        {
            args.AddRange(["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "400k", "-g", gop, "-pix_fmt", "yuv420p"]);
            if (spec.WithAudio)
            {
                args.AddRange(["-c:a", "libopus", "-b:a", "64k", "-ac", "2"]);
            }
        }
        else
        {
            args.AddRange(["-c:v", "libx264", "-preset", "ultrafast", "-g", gop, "-pix_fmt", "yuv420p"]);
            if (spec.WithAudio)
            {
                args.AddRange(["-c:a", "aac", "-b:a", "96k", "-ac", "2"]);
            }
        }

        args.AddRange(["-t", d, "-f", spec.Container switch
        {
            ClipContainer.Mp4 => "mp4",
            ClipContainer.Mov => "mov",
            ClipContainer.Mkv => "matroska",
            _ => "webm",
        }]);
        return args;
    }
}
