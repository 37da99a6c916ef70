using System.Globalization;

namespace Streamio.Cli.Output;

/// <summary>Sizes, rates and durations as people read them, and sizes as people write them (`8M`, `500K`).</summary>
public static class Format
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB"];

    public static string Bytes(double bytes)
    {
        var unit = 0;
        while (bytes >= 1024 && unit < Units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes:0} B" : string.Create(CultureInfo.InvariantCulture, $"{bytes:0.0} {Units[unit]}");
    }

    public static string Duration(TimeSpan span) => span.TotalHours >= 1
        ? $"{(int)span.TotalHours}h{span.Minutes:00}m"
        : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes}m{span.Seconds:00}s" : $"{Math.Ceiling(span.TotalSeconds):0}s";

    public static string Seconds(double? seconds) => seconds is { } value ? Duration(TimeSpan.FromSeconds(value)) : "-";

    public static string Percent(double fraction) => string.Create(CultureInfo.InvariantCulture, $"{fraction * 100:0}%");

    public static string Time(DateTimeOffset time) => time.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Parses <c>123</c>, <c>512K</c>, <c>8M</c>, <c>1G</c> (binary multiples; a trailing <c>B</c>/<c>iB</c> is allowed).</summary>
    public static long? ParseSize(string text)
    {
        var trimmed = text.Trim().ToUpperInvariant().Replace("IB", "", StringComparison.Ordinal).TrimEnd('B');
        long multiplier = 1;
        if (trimmed.Length > 0 && "KMGT".IndexOf(trimmed[^1]) is var power and >= 0)
        {
            multiplier = 1L << (10 * (power + 1));
            trimmed = trimmed[..^1];
        }
        return double.TryParse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) && number > 0
            ? (long)(number * multiplier)
            : null;
    }
}
