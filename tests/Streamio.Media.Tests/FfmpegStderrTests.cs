namespace Streamio.Media.Tests;

public sealed class FfmpegStderrTests
{
    [Theory]
    [InlineData("  Duration: 00:01:02.50, start: 0.000000, bitrate: 763 kb/s", 62.5)]
    [InlineData("Duration: 05:59:59.99, start: 1.400000", 21599.99)]
    public void Reads_the_input_duration(string line, double expected)
    {
        Assert.True(FfmpegStderr.TryParseDuration(line, out var seconds));
        Assert.Equal(expected, seconds, 6);
    }

    [Theory]
    [InlineData("  Duration: N/A, start: 0.000000, bitrate: N/A")]
    [InlineData("  Stream #0:0: Video: h264")]
    [InlineData("Duration: 00:00:00.00, start: 0")]
    public void Ignores_lines_without_a_duration(string line) => Assert.False(FfmpegStderr.TryParseDuration(line, out _));

    [Fact]
    public void Error_summary_skips_ffmpegs_generic_sign_off()
    {
        const string tail = "[Parsed_pad_2 @ 0x1] Padded dimensions cannot be smaller than input dimensions.\nError reinitializing filters!\nConversion failed!";

        Assert.Equal("[Parsed_pad_2 @ 0x1] Padded dimensions cannot be smaller than input dimensions.", FfmpegRunner.Summary(tail));
    }
}
