using Streamio.Abstractions.Videos;
using Streamio.Grains.Planning;
using Streamio.Media;
using Streamio.Media.Live;

namespace Streamio.Grains.Live;

/// <summary>Plans a live ladder from the publisher's picture, as VOD does (never upscaled), capped for real-time encoding.</summary>
public static class LivePlanner
{
    /// <summary>The height the latency goal is set at: kept in the ladder whenever the source is at least that tall.</summary>
    public const int LatencyRungHeight = 360;

    public static IReadOnlyList<RenditionPlan> Plan(LiveOptions live, EncodingOptions encoding, LiveSource source)
    {
        var ladder = live.Ladder.Count > 0 ? live.Ladder : encoding.EffectiveLadder;
        var fitting = LadderPlanner.Rungs(ladder, source.Width, source.Height);
        var chosen = fitting.OrderByDescending(rung => rung.Height).Take(Math.Max(1, live.MaxRungs)).ToList();
        if (fitting.FirstOrDefault(rung => rung.Height == LatencyRungHeight) is { } latencyRung && !chosen.Contains(latencyRung))
        {
            chosen[^1] = latencyRung;
        }
        List<RenditionPlan> renditions = [.. chosen.OrderBy(rung => rung.Height).Select(rung => new RenditionPlan(rung.Name, rung.Width, rung.Height, rung.VideoKbps, IsAudio: false))];
        if (source.HasAudio)
        {
            renditions.Add(new RenditionPlan(LadderPlanner.AudioRendition, 0, 0, live.AudioBitrateKbps, IsAudio: true));
        }
        return renditions;
    }

    /// <summary>The source as a video's facts (its duration grows while live; the recording states the final one).</summary>
    public static SourceFacts Facts(LiveSource source, string containerFormat) =>
        new(containerFormat, 0, source.Width, source.Height, source.FrameRate, source.HasAudio);
}
