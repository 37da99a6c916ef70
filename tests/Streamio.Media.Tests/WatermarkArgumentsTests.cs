namespace Streamio.Media.Tests;

public sealed class WatermarkArgumentsTests
{
    private static readonly WatermarkEncodeJob Job = new(
        InputPath: "/scratch/ws1/source.ts",
        TextFile: "/scratch/ws1/text.txt",
        FontFile: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        Position: WatermarkPosition.BottomRight,
        Opacity: 0.5,
        FontSize: 24,
        VideoKbps: 3000,
        Height: 720,
        SegmentSeconds: 2,
        WorkDirectory: "/scratch/ws1");

    [Fact]
    public void The_input_is_a_local_mpegts_fifo_and_nothing_else()
    {
        var args = WatermarkArguments.Encode(Job, "veryfast");

        Assert.Equal("file", ValueAfter(args, "-protocol_whitelist"));
        Assert.Equal("mpegts", ValueAfter(args, "-format_whitelist"));
        Assert.Equal("mpegts", ValueAfter(args, "-f"));
        Assert.Equal("file:/scratch/ws1/source.ts", ValueAfter(args, "-i"));
        // The rendition's timeline is kept, so the segments line up with the untouched audio rendition.
        Assert.Contains("-copyts", args);
        Assert.True(args.ToList().IndexOf("-protocol_whitelist") < args.ToList().IndexOf("-i"), "input options come before -i");
    }

    [Fact]
    public void The_output_is_h264_hls_with_a_keyframe_on_every_segment_boundary_the_first_segment_half_as_long()
    {
        var args = WatermarkArguments.Encode(Job, "veryfast");

        Assert.Equal("libx264", ValueAfter(args, "-c:v"));
        Assert.Equal("veryfast", ValueAfter(args, "-preset"));
        Assert.Equal("3000k", ValueAfter(args, "-b:v"));
        Assert.Equal("4.0", ValueAfter(args, "-level:v"));
        Assert.Equal("expr:if(isnan(prev_forced_t),1,gte(t-prev_forced_t+0.000001,if(eq(n_forced,1),1,2)))", ValueAfter(args, "-force_key_frames"));
        Assert.Equal(FfmpegArguments.NoNaturalKeyframes, ValueAfter(args, "-g"));
        Assert.Equal("hls", ValueAfter(args, "-f", occurrence: 2));
        Assert.Equal("/scratch/ws1/video/%d.ts", ValueAfter(args, "-hls_segment_filename"));
        Assert.Equal("/scratch/ws1/video/index.m3u8", args[^1]);
        Assert.Equal("0", ValueAfter(args, "-start_number"));
        Assert.Contains("-an", args);
    }

    [Fact]
    public void The_text_reaches_ffmpeg_through_its_file_with_expansion_off()
    {
        var filter = WatermarkArguments.DrawText(Job);

        Assert.StartsWith("drawtext=fontfile='/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf':textfile='/scratch/ws1/text.txt':expansion=none:fontsize=24:", filter);
        Assert.Contains(":fontcolor=white@0.5:borderw=2:bordercolor=black@0.5:", filter);
        Assert.DoesNotContain(":text=", filter);
        Assert.Equal(filter, ValueAfter(WatermarkArguments.Encode(Job, "veryfast"), "-vf"));
    }

    [Theory]
    [InlineData(WatermarkPosition.TopLeft, "12", "12")]
    [InlineData(WatermarkPosition.TopRight, "w-tw-12", "12")]
    [InlineData(WatermarkPosition.BottomLeft, "12", "h-th-12")]
    [InlineData(WatermarkPosition.BottomRight, "w-tw-12", "h-th-12")]
    public void Corners_keep_a_margin_of_half_the_font_size(WatermarkPosition position, string x, string y)
    {
        Assert.Equal((x, y), WatermarkArguments.Placement(position, 24));
        Assert.EndsWith($":x='{x}':y='{y}',format=yuv420p", WatermarkArguments.DrawText(Job with { Position = position }));
    }

    [Fact]
    public void Moving_bounces_across_the_whole_frame_on_both_axes_with_time()
    {
        var (x, y) = WatermarkArguments.Placement(WatermarkPosition.Moving, 10);

        // Small fonts still keep 8 pixels clear of the edge.
        Assert.Equal("8+max(0,w-tw-2*8)*abs(mod(t/17,2)-1)", x);
        Assert.Equal("8+max(0,h-th-2*8)*abs(mod(t/11,2)-1)", y);
    }

    [Theory]
    [InlineData("/data/it's/text.txt")]
    [InlineData("/data/a:b/text.txt")]
    [InlineData("/data/a\\b/text.txt")]
    [InlineData("/data/[x]/text.txt")]
    [InlineData("/data/a,b;c/text.txt")]
    public void Paths_that_filter_syntax_would_reinterpret_are_refused(string path)
    {
        var error = Assert.Throws<ArgumentException>(() => WatermarkArguments.DrawText(Job with { TextFile = path }));
        Assert.Contains("filter options cannot carry", error.Message);
    }

    [Fact]
    public void Invalid_jobs_are_refused()
    {
        Assert.Throws<ArgumentException>(() => WatermarkArguments.Encode(Job with { Opacity = 0 }, "veryfast"));
        Assert.Throws<ArgumentException>(() => WatermarkArguments.Encode(Job with { FontSize = 2 }, "veryfast"));
        Assert.Throws<ArgumentException>(() => WatermarkArguments.Encode(Job with { WorkDirectory = "/scratch/%d" }, "veryfast"));
        Assert.Throws<ArgumentException>(() => WatermarkArguments.Encode(Job with { SegmentSeconds = 0 }, "veryfast"));
    }

    private static string ValueAfter(IReadOnlyList<string> args, string flag, int occurrence = 1)
    {
        var seen = 0;
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (args[i] == flag && ++seen == occurrence)
            {
                return args[i + 1];
            }
        }
        throw new Xunit.Sdk.XunitException($"{flag} (#{occurrence}) not found in: {string.Join(' ', args)}");
    }
}
