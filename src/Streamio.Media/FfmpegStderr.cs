using System.Globalization;

namespace Streamio.Media;

/// <summary>Facts FFmpeg only tells on stderr.</summary>
public static class FfmpegStderr
{
    /// <summary>Parses the input header line "  Duration: 00:01:02.50, start: ...".</summary>
    public static bool TryParseDuration(string line, out double seconds)
    {
        seconds = 0;
        var trimmed = line.AsSpan().TrimStart();
        if (!trimmed.StartsWith("Duration: "))
        {
            return false;
        }

        var value = trimmed["Duration: ".Length..];
        var comma = value.IndexOf(',');
        if (comma >= 0)
        {
            value = value[..comma];
        }

        if (!TimeSpan.TryParseExact(value, @"hh\:mm\:ss\.FFFFFFF", CultureInfo.InvariantCulture, out var time) || time <= TimeSpan.Zero)
        {
            return false;
        }

        seconds = time.TotalSeconds;
        return true;
    }
}
