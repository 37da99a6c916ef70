using Streamio.Grains.Live;
using Streamio.Grains.Planning;
using Streamio.Media.Live;

namespace Streamio.Grains.Tests.Live;

public sealed class LivePlannerTests
{
    private static readonly EncodingOptions Vod = new();

    [Fact]
    public void A_1080p_source_gets_the_top_rungs_with_360p_kept_for_the_latency_goal_and_its_audio()
    {
        var plan = LivePlanner.Plan(new LiveOptions { MaxRungs = 3 }, Vod, new LiveSource("h264", 1920, 1080, 30, true));

        Assert.Equal(["360p", "720p", "1080p", "audio"], plan.Select(rendition => rendition.Name));
        Assert.Equal(128, plan[^1].BitrateKbps);
        Assert.True(plan[^1].IsAudio);
    }

    [Fact]
    public void A_source_is_never_upscaled_and_keeps_its_aspect()
    {
        var plan = LivePlanner.Plan(new LiveOptions(), Vod, new LiveSource("h264", 480, 360, 25, false));

        Assert.Equal([(480, 360)], plan.Select(rendition => (rendition.Width, rendition.Height)));
    }

    [Fact]
    public void A_source_below_360p_gets_one_rung_at_its_own_size()
    {
        var plan = LivePlanner.Plan(new LiveOptions(), Vod, new LiveSource("h264", 320, 180, 25, true));

        Assert.Equal(["180p", "audio"], plan.Select(rendition => rendition.Name));
    }

    [Fact]
    public void A_configured_live_ladder_replaces_the_vod_one()
    {
        var live = new LiveOptions { Ladder = [new("540p", 960, 540, 2000), new("360p", 640, 360, 700)] };

        var plan = LivePlanner.Plan(live, Vod, new LiveSource("h264", 1280, 720, 30, false));

        Assert.Equal([("360p", 700), ("540p", 2000)], plan.Select(rendition => (rendition.Name, rendition.BitrateKbps)));
    }

    [Fact]
    public void Stream_keys_are_long_random_url_safe_and_only_well_formed_text_is_looked_up()
    {
        var keys = Enumerable.Range(0, 20).Select(_ => LiveStreamKeys.Generate()).ToList();

        Assert.Equal(20, keys.Distinct().Count());
        Assert.All(keys, key =>
        {
            Assert.InRange(key.Length, 32, 79);
            Assert.True(LiveStreamKeys.IsWellFormed(key));
            Assert.Equal(Uri.EscapeDataString(key), key);
            Assert.Equal(64, LiveStreamKeys.Hash(key).Length);
        });
        Assert.False(LiveStreamKeys.IsWellFormed(keys[0][..^1]));
        Assert.False(LiveStreamKeys.IsWellFormed(keys[0][..^1] + "/"));
        Assert.False(LiveStreamKeys.IsWellFormed("sk_" + keys[0][5..]));
        Assert.True(LiveStreamKeys.Matches(keys[0], keys[0]));
        Assert.False(LiveStreamKeys.Matches(keys[0], keys[1]));
    }
}
