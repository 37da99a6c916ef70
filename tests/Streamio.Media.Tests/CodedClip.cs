using System.Collections.Concurrent;
using System.Globalization;
using Streamio.Testing;

namespace Streamio.Media.Tests;

/// <summary>
/// Clips whose every frame says its number: four vertical bands, black, n mod 20, n / 20 and white, in grey steps a
/// JPEG keeps apart. Encoded losslessly, so a tile or poster made from frame n reads back as n.
/// </summary>
internal static class CodedClip
{
    private const int Levels = 20;
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Clips = new();
    private static readonly string Directory = Path.Combine(Path.GetTempPath(), "streamio-clips", "media-coded");

    /// <summary>A 160x90 clip at <paramref name="frameRate"/> (FFmpeg syntax), up to 400 frames.</summary>
    public static Task<string> GetAsync(string frameRate, double seconds)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"r{frameRate.Replace('/', '-')}_d{seconds}.mp4");
        return Clips.GetOrAdd(name, _ => new Lazy<Task<string>>(() => CreateAsync(name, frameRate, seconds))).Value;
    }

    /// <summary>The frame number an image of a coded frame shows (any size, letterboxed or not, any range).</summary>
    public static async Task<int> FrameNumberAsync(string image)
    {
        var (width, height) = await MediaInspector.VideoSizeAsync(image);
        var raw = image + ".gray";
        await FfmpegTools.FfmpegAsync("-v", "error", "-y", "-i", image, "-f", "rawvideo", "-pix_fmt", "gray", raw);
        var pixels = await File.ReadAllBytesAsync(raw);
        File.Delete(raw);

        // The middle of each band, averaged over a few pixels; the black and white bands calibrate the scale.
        double Band(int band)
        {
            var (x, y) = ((2 * band + 1) * width / 8, height / 2);
            var sum = 0;
            for (var dy = -1; dy <= 1; dy++)
            {
                for (var dx = -1; dx <= 1; dx++)
                {
                    sum += pixels[((y + dy) * width) + x + dx];
                }
            }

            return sum / 9.0;
        }

        var (black, white) = (Band(0), Band(3));
        int Digit(int band) => (int)Math.Round((Band(band) - black) / (white - black) * (Levels - 1));
        return Digit(2) * Levels + Digit(1);
    }

    /// <summary>The first frame at or after <paramref name="seconds"/> of a clip at <paramref name="fps"/> (microsecond tolerance).</summary>
    public static int FrameAtOrAfter(double seconds, double fps) => (int)Math.Ceiling((seconds - 1e-6) * fps - 1e-9);

    private static async Task<string> CreateAsync(string name, string frameRate, double seconds)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, name);
        if (File.Exists(path))
        {
            return path;
        }

        var partial = Path.Combine(Directory, $"{Guid.NewGuid():N}.partial.mp4");
        var d = seconds.ToString(CultureInfo.InvariantCulture);
        const string Step = "11";
        var lum = $"16+{Step}*if(lt(X,W/4),0,if(lt(X,W/2),mod(N,{Levels}),if(lt(X,3*W/4),floor(N/{Levels}),{Levels - 1})))";
        try
        {
            await FfmpegTools.FfmpegAsync(
                "-hide_banner", "-nostdin", "-v", "error", "-y",
                "-f", "lavfi", "-i", $"color=c=black:s=160x90:r={frameRate}:d={d},format=yuv420p,geq=lum='{lum}':cb=128:cr=128",
                "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p", "-f", "mp4", partial);
            try
            {
                File.Move(partial, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another test process made the same clip first.
            }
        }
        finally
        {
            File.Delete(partial);
        }

        return path;
    }
}
