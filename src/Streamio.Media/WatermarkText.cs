using System.Globalization;
using System.Text;

namespace Streamio.Media;

/// <summary>Where a burned-in watermark sits: a corner, or <see cref="Moving"/>, drifting so no fixed crop removes it.</summary>
public enum WatermarkPosition
{
    TopLeft,
    TopRight,
    BottomLeft,
    BottomRight,
    Moving,
}

/// <summary>
/// The rules for what a viewer's watermark may say and look like. The text is data: it reaches FFmpeg through a file
/// with expansion off, so quotes, colons, backslashes and <c>%{…}</c> are drawn as typed; what is refused here is what
/// cannot be drawn sensibly (control characters, too many lines, too long).
/// </summary>
public static class WatermarkText
{
    public const int MaxCharacters = 200;

    public const int MaxLines = 4;

    public const int MinFontSize = 8;

    public const int MaxFontSize = 144;

    public const double DefaultOpacity = 0.5;

    private const int ZeroWidthJoiner = 0x200D;

    public const int DefaultFontSize = 24;

    /// <summary>The names clients send, in the order the API lists them.</summary>
    public static readonly IReadOnlyList<string> PositionNames = ["top-left", "top-right", "bottom-left", "bottom-right", "moving"];

    /// <summary>The text as it is drawn (line breaks as "\n", no trailing blank), or the reason it is refused.</summary>
    public static (string? Text, string? Problem) Normalize(string? text)
    {
        if (text is null)
        {
            return (null, "watermark.text is required: the text drawn on every frame, e.g. the viewer's e-mail address.");
        }
        // Counted before any work on it: a megabyte of text is refused without being scanned.
        if (text.Length > MaxCharacters * 2)
        {
            return (null, $"watermark.text is {text.Length} characters long: at most {MaxCharacters} are drawn.");
        }
        var normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        if (normalized.Length == 0)
        {
            return (null, "watermark.text is empty: give the text to draw.");
        }
        if (new StringInfo(normalized).LengthInTextElements > MaxCharacters)
        {
            return (null, $"watermark.text is longer than {MaxCharacters} characters.");
        }
        if (normalized.Count(c => c == '\n') >= MaxLines)
        {
            return (null, $"watermark.text has more than {MaxLines} lines.");
        }
        foreach (var rune in normalized.EnumerateRunes())
        {
            // Format characters (bidi overrides, zero-width spaces) hide or reorder what is drawn; the joiner of emoji sequences stays.
            if (rune.Value is not ('\n' or ZeroWidthJoiner)
                && (Rune.IsControl(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse))
            {
                return (null, $"watermark.text contains the control or formatting character U+{rune.Value:X4}: use printable text and line breaks only.");
            }
        }
        return (normalized, null);
    }

    /// <summary>A client's position name ("top-left", …, "moving"; null: bottom-right).</summary>
    public static bool TryParsePosition(string? name, out WatermarkPosition position)
    {
        position = WatermarkPosition.BottomRight;
        if (name is null)
        {
            return true;
        }
        var index = PositionNames.ToList().FindIndex(known => known.Equals(name.Trim(), StringComparison.OrdinalIgnoreCase));
        if (index < 0)
        {
            return false;
        }
        position = (WatermarkPosition)index;
        return true;
    }

    public static string NameOf(WatermarkPosition position) => PositionNames[(int)position];

    public static bool ValidOpacity(double opacity) => double.IsFinite(opacity) && opacity is > 0 and <= 1;

    public static bool ValidFontSize(int fontSize) => fontSize is >= MinFontSize and <= MaxFontSize;
}
