using System.Globalization;
using System.Text.Json;
using FFMpegCore;

namespace Streamio.Testing;

/// <summary>A packet as ffprobe lists it (seconds; NaN when absent).</summary>
public sealed record PacketInfo(double Pts, double Dts, double Duration, bool IsKey);

/// <summary>
/// Looks inside media with ffprobe: frame counts, durations, packet timestamps. Works on files and URLs
/// (pass e.g. "-allowed_extensions", "ALL", "-protocol_whitelist", "file,crypto" as input options).
/// </summary>
public static class MediaInspector
{
    // Packets are read into FFMpegCore's ffprobe model, as FFMpegCore itself reads them.
    private static readonly JsonSerializerOptions PacketJson = new() { PropertyNameCaseInsensitive = true };

    /// <summary>Decoded frames of a stream ("v:0", "a:0").</summary>
    public static async Task<int> CountFramesAsync(string pathOrUrl, string stream = "v:0", params string[] inputOptions)
    {
        var result = await FfmpegTools.FfprobeAsync(
        [
            "-v", "error", .. inputOptions, "-count_frames", "-select_streams", stream,
            "-show_entries", "stream=nb_read_frames", "-of", "default=nw=1:nk=1", "-i", pathOrUrl,
        ]);
        return int.Parse(result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// FFmpeg's <c>psnr</c> filter between two videos of the same size, frame by frame: the luma PSNR and the average
    /// over the planes, in dB (infinity for identical pictures).
    /// </summary>
    public static async Task<(double Luma, double Average)> PsnrAsync(string first, string second, params string[] inputOptions)
    {
        var result = await FfmpegTools.FfmpegAsync(
            ["-hide_banner", "-nostdin", .. inputOptions, "-i", first, .. inputOptions, "-i", second, "-lavfi", "[0:v:0][1:v:0]psnr", "-f", "null", "-"]);
        var line = result.StderrTail.Split('\n').Last(line => line.Contains("PSNR y:", StringComparison.Ordinal));
        return (PsnrField(line, "y:"), PsnrField(line, "average:"));
    }

    private static double PsnrField(string line, string name)
    {
        var value = line[(line.IndexOf(name, StringComparison.Ordinal) + name.Length)..].Split(' ')[0];
        return value == "inf" ? double.PositiveInfinity : double.Parse(value, CultureInfo.InvariantCulture);
    }

    /// <summary>The container's duration in seconds.</summary>
    public static async Task<double> DurationAsync(string pathOrUrl, params string[] inputOptions)
    {
        var result = await FfmpegTools.FfprobeAsync(
            ["-v", "error", .. inputOptions, "-show_entries", "format=duration", "-of", "default=nw=1:nk=1", "-i", pathOrUrl]);
        return double.Parse(result.StandardOutput.Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>Width and height of the first video stream.</summary>
    public static async Task<(int Width, int Height)> VideoSizeAsync(string pathOrUrl, params string[] inputOptions)
    {
        var result = await FfmpegTools.FfprobeAsync(
            ["-v", "error", .. inputOptions, "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0", "-i", pathOrUrl]);
        // MPEG-TS lists the stream under its program too: the first line is enough.
        var parts = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0].Trim().Split(',');
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Every frame of the first video stream as 8-bit luma (width x height bytes each), decoded through
    /// <paramref name="pathOrUrl"/> (an HLS URL is played by FFmpeg's own demuxer, decrypting with the served keys).
    /// </summary>
    public static async Task<IReadOnlyList<byte[]>> LumaFramesAsync(string pathOrUrl, int width, int height)
    {
        using var scratch = new TempDirectory("luma");
        var raw = scratch.Combine("frames.gray");
        await FfmpegTools.FfmpegAsync("-v", "error", "-i", pathOrUrl, "-map", "0:v:0", "-f", "rawvideo", "-pix_fmt", "gray", raw);
        var bytes = await File.ReadAllBytesAsync(raw);
        var size = width * height;
        return bytes.Length % size != 0
            ? throw new InvalidOperationException($"{bytes.Length} bytes of luma are not whole {width}x{height} frames.")
            : Enumerable.Range(0, bytes.Length / size).Select(i => bytes.AsSpan(i * size, size).ToArray()).ToList();
    }

    /// <summary>Packets of a stream in file order.</summary>
    public static async Task<IReadOnlyList<PacketInfo>> PacketsAsync(string pathOrUrl, string stream = "v:0", params string[] inputOptions)
    {
        var result = await FfmpegTools.FfprobeAsync(
        [
            "-v", "error", .. inputOptions, "-select_streams", stream,
            "-show_entries", "packet=pts_time,dts_time,duration_time,flags", "-of", "json", "-i", pathOrUrl,
        ]);
        var packets = JsonSerializer.Deserialize<FFProbePackets>(result.StandardOutput, PacketJson)?.Packets ?? [];
        return packets
            .Select(p => new PacketInfo(Seconds(p.PtsTime), Seconds(p.DtsTime), Seconds(p.DurationTime), p.Flags?.Contains('K') == true))
            .ToList();
    }

    /// <summary>
    /// The mean colour of a region in every decoded frame, in order: <paramref name="crop"/> is FFmpeg's crop filter
    /// arguments (w:h:x:y, expressions of iw/ih allowed), so a test can say "the top-right corner of every frame".
    /// </summary>
    public static async Task<IReadOnlyList<(byte R, byte G, byte B)>> RegionColorsAsync(string pathOrUrl, string crop, string stream = "v:0", params string[] inputOptions)
    {
        var raw = Path.Combine(Path.GetTempPath(), $"streamio-region-{Guid.NewGuid():N}.rgb");
        try
        {
            await FfmpegTools.FfmpegAsync(
            [
                "-v", "error", .. inputOptions, "-i", pathOrUrl, "-map", $"0:{stream}",
                "-vf", $"crop={crop},scale=1:1:flags=area", "-f", "rawvideo", "-pix_fmt", "rgb24", "-y", raw,
            ]);
            var bytes = await File.ReadAllBytesAsync(raw);
            return bytes.Chunk(3).Select(pixel => (pixel[0], pixel[1], pixel[2])).ToList();
        }
        finally
        {
            File.Delete(raw);
        }
    }

    /// <summary>Differences between consecutive presentation times, in presentation order.</summary>
    public static IReadOnlyList<double> PtsDeltas(IEnumerable<PacketInfo> packets)
    {
        var pts = packets.Select(p => p.Pts).Order().ToList();
        return pts.Zip(pts.Skip(1), (a, b) => b - a).ToList();
    }

    private static double Seconds(string? time) =>
        double.TryParse(time, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? seconds : double.NaN;
}
