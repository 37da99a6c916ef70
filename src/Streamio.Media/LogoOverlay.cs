using System.Buffers.Binary;
using System.Globalization;

namespace Streamio.Media;

/// <summary>The corner of the frame a logo sits in.</summary>
public enum LogoCorner
{
    TopLeft,
    TopRight,
    BottomLeft,
    BottomRight,
}

/// <summary>
/// A project's logo burned into every rung of a chunk: a PNG (alpha kept) whose width is <see cref="Scale"/> of the
/// rung's width, in <see cref="Corner"/> with a margin of <see cref="MarginFraction"/> of the rung's height, drawn at
/// <see cref="Opacity"/>. Sized per rung, so every rendition shows the same logo at the same place.
/// </summary>
public sealed record LogoOverlay(string PngPath, LogoCorner Corner, double Scale, double Opacity)
{
    public const double MinScale = 0.02;
    public const double MaxScale = 0.5;
    public const double MinOpacity = 0.05;
    public const double MarginFraction = 0.03;

    /// <summary>The logo's width on a rung <paramref name="rungWidth"/> wide: even, at least 2 pixels.</summary>
    public int WidthOn(int rungWidth) => Math.Max(2, (int)Math.Round(rungWidth * Scale / 2, MidpointRounding.AwayFromZero) * 2);

    /// <summary>The gap between the logo and the frame's edges on a rung <paramref name="rungHeight"/> high.</summary>
    public static int MarginOn(int rungHeight) => Math.Max(2, (int)Math.Round(rungHeight * MarginFraction));

    /// <summary>The overlay filter's x and y for this corner (W, H: the frame; w, h: the logo).</summary>
    public string OverlayPosition(int rungHeight)
    {
        var margin = MarginOn(rungHeight).ToString(CultureInfo.InvariantCulture);
        var x = Corner is LogoCorner.TopLeft or LogoCorner.BottomLeft ? margin : $"W-w-{margin}";
        var y = Corner is LogoCorner.TopLeft or LogoCorner.TopRight ? margin : $"H-h-{margin}";
        return $"x={x}:y={y}";
    }

    public void Validate()
    {
        if (Scale is < MinScale or > MaxScale || double.IsNaN(Scale))
        {
            throw new ArgumentException($"A logo's scale must be between {MinScale} and {MaxScale} of the frame width, not {Scale}.");
        }

        if (Opacity is < MinOpacity or > 1 || double.IsNaN(Opacity))
        {
            throw new ArgumentException($"A logo's opacity must be between {MinOpacity} and 1, not {Opacity}.");
        }
    }
}

/// <summary>Reads a PNG's size from its IHDR chunk, without decoding it.</summary>
public static class PngHeader
{
    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The width and height, or null when the bytes do not start like a PNG.</summary>
    public static (int Width, int Height)? TryReadSize(ReadOnlySpan<byte> data)
    {
        // Signature, then the IHDR chunk: length (13), "IHDR", width, height.
        if (data.Length < 24 || !data[..8].SequenceEqual(Signature) || !data[12..16].SequenceEqual("IHDR"u8))
        {
            return null;
        }

        var width = BinaryPrimitives.ReadInt32BigEndian(data[16..20]);
        var height = BinaryPrimitives.ReadInt32BigEndian(data[20..24]);
        return width > 0 && height > 0 ? (width, height) : null;
    }
}

/// <summary>The corners by the names the API uses.</summary>
public static class LogoCorners
{
    public static IReadOnlyList<string> Names { get; } = ["top-left", "top-right", "bottom-left", "bottom-right"];

    public static LogoCorner? Parse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "top-left" => LogoCorner.TopLeft,
        "top-right" => LogoCorner.TopRight,
        "bottom-left" => LogoCorner.BottomLeft,
        "bottom-right" => LogoCorner.BottomRight,
        _ => null,
    };

    public static string Name(LogoCorner corner) => Names[(int)corner];
}
