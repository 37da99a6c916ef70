namespace Streamio.Media.Tests;

public sealed class WatermarkTextTests
{
    [Theory]
    [InlineData("alice@example.com", "alice@example.com")]
    [InlineData("  padded  ", "padded")]
    [InlineData("two\r\nlines", "two\nlines")]
    [InlineData("it's \"q\": a\\b %{pts} [x];y,z", "it's \"q\": a\\b %{pts} [x];y,z")]
    [InlineData("名前 👩‍💻", "名前 👩‍💻")]
    public void Printable_text_and_line_breaks_are_kept_as_typed(string text, string drawn)
    {
        Assert.Equal((drawn, null), WatermarkText.Normalize(text));
    }

    [Fact]
    public void Two_hundred_characters_pass_and_more_are_refused()
    {
        Assert.Null(WatermarkText.Normalize(new string('x', 200)).Problem);
        // Counted as characters people see: 200 emoji (surrogate pairs) are 200, not 400.
        Assert.Null(WatermarkText.Normalize(string.Concat(Enumerable.Repeat("😀", 200))).Problem);
        Assert.Contains("longer than 200", WatermarkText.Normalize(new string('x', 201)).Problem);
        Assert.Contains("at most 200", WatermarkText.Normalize(new string('x', 1024 * 1024)).Problem);
    }

    [Theory]
    [InlineData(null, "required")]
    [InlineData("   ", "empty")]
    [InlineData("a\tb", "U+0009")]
    [InlineData("a\0b", "U+0000")]
    [InlineData("a\u200Bb", "U+200B")]
    [InlineData("1\n2\n3\n4\n5", "more than 4 lines")]
    public void Text_that_cannot_be_drawn_sensibly_is_refused(string? text, string reason)
    {
        var (drawn, problem) = WatermarkText.Normalize(text);
        Assert.Null(drawn);
        Assert.Contains(reason, problem);
    }

    [Theory]
    [InlineData(null, WatermarkPosition.BottomRight)]
    [InlineData("top-left", WatermarkPosition.TopLeft)]
    [InlineData("TOP-RIGHT", WatermarkPosition.TopRight)]
    [InlineData(" bottom-left ", WatermarkPosition.BottomLeft)]
    [InlineData("moving", WatermarkPosition.Moving)]
    public void Positions_are_parsed_by_name(string? name, WatermarkPosition expected)
    {
        Assert.True(WatermarkText.TryParsePosition(name, out var position));
        Assert.Equal(expected, position);
        Assert.Equal(position, Enum.Parse<WatermarkPosition>(WatermarkText.NameOf(position).Replace("-", ""), ignoreCase: true));
    }

    [Fact]
    public void Unknown_positions_opacities_and_font_sizes_are_refused()
    {
        Assert.False(WatermarkText.TryParsePosition("center", out _));
        Assert.False(WatermarkText.ValidOpacity(0));
        Assert.False(WatermarkText.ValidOpacity(1.01));
        Assert.False(WatermarkText.ValidOpacity(double.NaN));
        Assert.True(WatermarkText.ValidOpacity(1));
        Assert.False(WatermarkText.ValidFontSize(7));
        Assert.False(WatermarkText.ValidFontSize(145));
        Assert.True(WatermarkText.ValidFontSize(8));
    }
}
