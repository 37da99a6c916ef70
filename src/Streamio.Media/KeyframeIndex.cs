using System.Globalization;

namespace Streamio.Media;

/// <summary>
/// The source's video keyframes in seconds on the chunks' timeline, so chunk starts can land just after one: a chunk
/// seeks to the keyframe before its start and decodes every frame in between for nothing. Read from the framecrc
/// listing of <see cref="FfmpegArguments.Keyframes"/>: one line per packet (stream, dts, pts, duration, size, checksum,
/// and <c>F=0x…</c> when its flags are not just "key"; the demuxer lets the odd other packet through), the stream's
/// time base in a <c>#tb</c> header line.
/// </summary>
public static class KeyframeIndex
{
    public static IReadOnlyList<double> Parse(string listing)
    {
        double? timeBase = null;
        var times = new SortedSet<double>();
        foreach (var raw in listing.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("#tb 0:", StringComparison.Ordinal))
            {
                timeBase = ParseTimeBase(line["#tb 0:".Length..].Trim());
            }
            else if (line.Length > 0 && line[0] != '#' && timeBase is { } unit)
            {
                var fields = line.Split(',', StringSplitOptions.TrimEntries);
                if (fields.Length >= 3 && fields[0] == "0" && IsKey(fields)
                    && long.TryParse(fields[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var pts))
                {
                    times.Add(Math.Round(pts * unit, 6));
                }
            }
        }
        return [.. times];
    }

    private static bool IsKey(string[] fields)
    {
        var flags = fields.FirstOrDefault(field => field.StartsWith("F=0x", StringComparison.Ordinal));
        return flags is null || (int.TryParse(flags["F=0x".Length..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value) && (value & 1) != 0);
    }

    private static double? ParseTimeBase(string fraction)
    {
        var parts = fraction.Split('/');
        return parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var numerator)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var denominator) && denominator > 0
            ? (double)numerator / denominator
            : null;
    }
}
