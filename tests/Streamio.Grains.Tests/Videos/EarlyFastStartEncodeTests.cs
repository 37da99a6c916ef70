using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Streamio.Abstractions.Work;
using Streamio.Grains.Planning;
using Streamio.Grains.Work;
using Streamio.Media;
using Streamio.Media.Cmaf;
using Streamio.Testing;

namespace Streamio.Grains.Tests.Videos;

/// <summary>
/// The silo's side of the fast start begun beside the probe, with real FFmpeg: the width FFmpeg picks from the source's
/// aspect is the one the plan computes, and frames of another size are never published.
/// </summary>
[Collection(VideoClusterCollection.Name)]
public sealed class EarlyFastStartEncodeTests(VideoClusterFixture fixture)
{
    private EarlyFastStarts EarlyStarts => ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services.GetRequiredService<EarlyFastStarts>();

    [Theory]
    [InlineData(640, 360)]
    [InlineData(850, 480)] // 240 × 850 / 480 / 2 = 212.5: a half, which both round away from zero (to even it would be 424)
    [InlineData(360, 640)] // portrait
    [InlineData(480, 360)] // 4:3
    public async Task FFmpeg_scales_the_early_encode_to_the_width_the_plan_gives_the_lowest_rung(int width, int height)
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 1.5, Width: width, Height: height, WithAudio: false));
        var planned = LadderPlanner.Rungs([new Rung("360p", 640, 360, 800), new Rung("240p", 426, 240, 400)], width, height)[0];
        var early = EarlyStarts.Start(Probe(), MediaInput.LocalFile(clip))!;
        var handed = new List<ClosedSegment>();
        try
        {
            var count = await early.PublishAsAsync(planned, segment =>
            {
                Assert.True(File.Exists(segment.LocalPath));
                handed.Add(segment);
                return Task.CompletedTask;
            }, CancellationToken.None);

            Assert.Equal(1, count);
            Assert.Equal((planned.Name, 0), (handed[0].Rendition, handed[0].Index));
            Assert.Equal((planned.Width, planned.Height), H264Access.FrameSizeOfSegment(await File.ReadAllBytesAsync(handed[0].LocalPath)));
        }
        finally
        {
            EarlyStarts.Drop(early, "test over");
        }
    }

    [Fact]
    public async Task Frames_of_another_size_than_the_rung_are_refused_before_anything_is_published()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 1.5, Width: 640, Height: 360, WithAudio: false));
        var early = EarlyStarts.Start(Probe(), MediaInput.LocalFile(clip))!;
        var handed = 0;
        try
        {
            var refused = await Assert.ThrowsAsync<InvalidDataException>(() => early.PublishAsAsync(new Rung("240p", 428, 240, 400), _ =>
            {
                handed++;
                return Task.CompletedTask;
            }, CancellationToken.None));

            Assert.Contains("426x240", refused.Message);
            Assert.Equal(0, handed);
        }
        finally
        {
            EarlyStarts.Drop(early, "test over");
        }
    }

    [Fact]
    public void Nothing_starts_early_for_a_later_probe_or_a_video_with_a_logo_or_a_forensic_one()
    {
        var source = MediaInput.LocalFile("/nonexistent.mp4");
        var plan = new Abstractions.Videos.EncodingPlan(1, 2, []);

        Assert.Null(EarlyStarts.Start(Probe() with { Plan = plan }, source));
        Assert.Null(EarlyStarts.Start(Probe() with { Logo = new Abstractions.Projects.ProjectLogo("logo.png", "top-right", 0.1, 1, 64, 64, DateTimeOffset.UnixEpoch) }, source));
        Assert.Null(EarlyStarts.Start(Probe() with { Kind = WorkKind.EncodeChunk }, source));
        Assert.Null(EarlyStarts.Start(Probe() with { Forensic = true }, source));
    }

    private static WorkAssignment Probe() =>
        new($"v_{Guid.NewGuid():N}", "p_early", 0, 1, WorkKind.Probe, "unused", null, null, 0, 0, [], false, false, false, false);
}
