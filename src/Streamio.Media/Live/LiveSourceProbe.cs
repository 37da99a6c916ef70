using System.Globalization;
using System.Text.Json;

namespace Streamio.Media.Live;

/// <summary>What the first bytes of a publisher's stream say about its picture and sound.</summary>
public sealed record LiveSource(string VideoCodec, int Width, int Height, double FrameRate, bool HasAudio);

/// <summary>
/// Probes a live publisher from a buffered prefix of its stream, fed to ffprobe on stdin (the stream itself cannot be
/// rewound, so the same prefix is then fed to the encoder).
/// </summary>
public sealed class LiveSourceProbe(FfmpegRunner tools)
{
    public async Task<LiveSource> ProbeAsync(ReadOnlyMemory<byte> prefix, string containerFormat, CancellationToken cancellationToken)
    {
        var result = await tools.RunFfprobeAsync(LiveArguments.Probe(containerFormat), cancellationToken,
            async (stdin, token) => await stdin.WriteAsync(prefix, token)).ConfigureAwait(false);
        return Interpret(result.StandardOutput)
            ?? throw new MediaRejectedException($"The live stream has no video Streamio can read: {FfmpegRunner.Summary(result.StderrTail)}");
    }

    /// <summary>The first video stream's size and rate and whether there is audio; null without a sized video stream.</summary>
    public static LiveSource? Interpret(string ffprobeJson)
    {
        try
        {
            using var document = JsonDocument.Parse(ffprobeJson.Length == 0 ? "{}" : ffprobeJson);
            if (!document.RootElement.TryGetProperty("streams", out var streams) || streams.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var all = streams.EnumerateArray().ToList();
            var video = all.FirstOrDefault(stream => Text(stream, "codec_type") == "video");
            if (video.ValueKind != JsonValueKind.Object || Integer(video, "width") is not > 0 || Integer(video, "height") is not > 0)
            {
                return null;
            }

            var rate = Rate(Text(video, "avg_frame_rate")) ?? Rate(Text(video, "r_frame_rate")) ?? 30;
            return new LiveSource(Text(video, "codec_name") ?? "unknown", Integer(video, "width")!.Value, Integer(video, "height")!.Value, rate,
                all.Any(stream => Text(stream, "codec_type") == "audio"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Integer(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;

    /// <summary>"30000/1001" → 29.97; "0/0" (unknown) → null.</summary>
    private static double? Rate(string? fraction)
    {
        var parts = fraction?.Split('/');
        if (parts is not { Length: 2 }
            || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var numerator)
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var denominator)
            || numerator <= 0 || denominator <= 0)
        {
            return null;
        }

        return numerator / denominator;
    }
}
