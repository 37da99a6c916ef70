using Streamio.Abstractions.Videos;
using Streamio.Grains.Videos;

namespace Streamio.Grains.Tests;

public sealed class StoryboardVttTests
{
    [Fact]
    public void Each_interval_points_at_its_tile_in_the_sprite()
    {
        var vtt = StoryboardVtt.Render(new StoryboardInfo(2, 3, 2, 160, 90), 5.5, "storyboard.jpg");
        Assert.Equal(
            "WEBVTT\n\n" +
            "00:00:00.000 --> 00:00:02.000\nstoryboard.jpg#xywh=0,0,160,90\n\n" +
            "00:00:02.000 --> 00:00:04.000\nstoryboard.jpg#xywh=160,0,160,90\n\n" +
            "00:00:04.000 --> 00:00:05.500\nstoryboard.jpg#xywh=0,90,160,90\n",
            vtt);
    }

    [Fact]
    public void The_contiguous_prefix_stops_at_the_first_missing_segment()
    {
        var variant = new VariantState { VideoId = "v", Rendition = new RenditionPlan("360p", 640, 360, 800, false), Key = new byte[16], SegmentCount = 5 };
        variant.Segments[0] = 4;
        variant.Segments[1] = 4;
        variant.Segments[3] = 4;
        Assert.Equal([4.0, 4.0], variant.ContiguousPrefix());
        Assert.Equal(0.6, new RenditionView("360p", 640, 360, 800, false, variant.SegmentCount, variant.Segments.Count, Complete: false).Progress, 3);
    }
}
