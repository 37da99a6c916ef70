using System.Globalization;
using System.Security.Cryptography;
using Streamio.Media;

namespace Streamio.Bench;

/// <summary>
/// The same ladder done the plain way, for comparison: (1) one FFmpeg process, split filter, AES-128 HLS for every
/// rung plus the audio; (2) one FFmpeg process per rung (each decoding the source), run side by side.
/// Encoder settings match Streamio's (x264 preset, bitrates, keyframes every segment).
/// </summary>
internal static class Baselines
{
    public static async Task SingleProcessAsync(string source, IReadOnlyList<Rung> rungs, string preset, double segmentSeconds, string output)
    {
        Directory.CreateDirectory(output);
        var keyInfo = WriteKeyInfo(output);
        var split = string.Join(';', new[] { $"[0:v]split={rungs.Count}{string.Concat(rungs.Select((_, i) => $"[s{i}]"))}" }
            .Concat(rungs.Select((rung, i) => $"[s{i}]scale={rung.Width}:{rung.Height},setsar=1,format=yuv420p[v{i}]")));
        var arguments = new List<string> { "-hide_banner", "-loglevel", "error", "-y", "-i", source, "-filter_complex", split };
        for (var i = 0; i < rungs.Count; i++)
        {
            arguments.AddRange(["-map", $"[v{i}]"]);
            arguments.AddRange(VideoCodec(rungs[i], preset, segmentSeconds, $":v:{i}"));
        }
        arguments.AddRange(["-map", "0:a:0", "-c:a", "aac", "-b:a", "128k", "-ac", "2", "-ar", "48000"]);
        arguments.AddRange([
            "-f", "hls", "-hls_time", Format(segmentSeconds), "-hls_list_size", "0", "-hls_playlist_type", "vod",
            "-hls_key_info_file", keyInfo, "-master_pl_name", "master.m3u8",
            "-var_stream_map", string.Join(' ', rungs.Select((_, i) => $"v:{i},agroup:aud").Append("a:0,agroup:aud")),
            "-hls_segment_filename", Path.Combine(output, "%v_%d.ts"), Path.Combine(output, "%v.m3u8")]);
        await Ffmpeg.RunAsync(arguments);
    }

    public static Task ProcessPerRungAsync(string source, IReadOnlyList<Rung> rungs, string preset, double segmentSeconds, string output)
    {
        Directory.CreateDirectory(output);
        var keyInfo = WriteKeyInfo(output);
        var runs = rungs.Select(rung =>
        {
            var arguments = new List<string> { "-hide_banner", "-loglevel", "error", "-y", "-i", source, "-map", "0:v:0",
                "-vf", $"scale={rung.Width}:{rung.Height},setsar=1,format=yuv420p" };
            arguments.AddRange(VideoCodec(rung, preset, segmentSeconds, ""));
            arguments.AddRange(Hls(rung.Name, keyInfo, segmentSeconds, output));
            return Ffmpeg.RunAsync(arguments);
        }).ToList();
        var audio = new List<string> { "-hide_banner", "-loglevel", "error", "-y", "-i", source, "-map", "0:a:0", "-c:a", "aac", "-b:a", "128k", "-ac", "2", "-ar", "48000" };
        audio.AddRange(Hls("audio", keyInfo, segmentSeconds, output));
        runs.Add(Ffmpeg.RunAsync(audio));
        return Task.WhenAll(runs);
    }

    private static IEnumerable<string> VideoCodec(Rung rung, string preset, double segmentSeconds, string stream) =>
    [
        $"-c{stream}", "libx264", $"-preset{stream}", preset, $"-profile{stream}", "high", $"-level{stream}", FfmpegArguments.H264Level(rung.Height),
        $"-b{stream}", $"{rung.VideoKbps}k", $"-maxrate{stream}", $"{rung.VideoKbps}k", $"-bufsize{stream}", $"{rung.VideoKbps * 2}k",
        $"-force_key_frames{stream}", $"expr:gte(t,n_forced*{Format(segmentSeconds)})", $"-sc_threshold{stream}", "0",
    ];

    private static IEnumerable<string> Hls(string name, string keyInfo, double segmentSeconds, string output) =>
    [
        "-f", "hls", "-hls_time", Format(segmentSeconds), "-hls_list_size", "0", "-hls_playlist_type", "vod",
        "-hls_key_info_file", keyInfo, "-hls_segment_filename", Path.Combine(output, $"{name}_%d.ts"), Path.Combine(output, $"{name}.m3u8"),
    ];

    private static string WriteKeyInfo(string output)
    {
        var keyPath = Path.Combine(output, "key.bin");
        File.WriteAllBytes(keyPath, RandomNumberGenerator.GetBytes(16));
        var keyInfo = Path.Combine(output, "key.info");
        File.WriteAllText(keyInfo, $"key.bin\n{keyPath}\n");
        return keyInfo;
    }

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
