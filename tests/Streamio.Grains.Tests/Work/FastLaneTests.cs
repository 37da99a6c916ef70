using Streamio.Abstractions.Work;
using Streamio.Grains.Tests.Projects;
using Streamio.Grains.Videos;

namespace Streamio.Grains.Tests.Work;

/// <summary>
/// The scheduler's fast lane on real silos: a taker that asks for playback-gating work only (probe, fast start, audio)
/// gets it ahead of the queue and never gets a chunk, so a new upload does not wait behind other videos' chunks.
/// </summary>
[Collection(ProjectsClusterCollection.Name)]
public sealed class FastLaneTests(ProjectsClusterFixture fixture)
{
    private string Silo => fixture.Cluster.Silos[0].SiloAddress.ToParsableString();

    [Fact]
    public async Task A_fast_lane_taker_gets_only_work_that_gates_playback_and_a_plain_taker_gets_the_rest()
    {
        var scheduler = fixture.Grains.GetGrain<IWorkSchedulerGrain>(0);
        var busy = $"v_fastlane_busy_{Guid.NewGuid():N}";
        var fresh = $"v_fastlane_new_{Guid.NewGuid():N}";
        await scheduler.EnqueueAsync(
        [
            new WorkTicket(busy, 7, WorkPriority.Chunk, default),
            new WorkTicket(busy, 8, WorkPriority.Finish, default),
        ]);

        Assert.Null(await scheduler.TakeAsync(Silo, TimeSpan.FromMilliseconds(200), WorkPriority.Audio));

        // A new upload's probe is queued while the fast-lane taker waits: it is woken with it.
        var waiting = scheduler.TakeAsync(Silo, TimeSpan.FromSeconds(30), WorkPriority.Audio);
        await scheduler.EnqueueAsync([new WorkTicket(fresh, 0, WorkPriority.Probe, default, WorkKind.Probe)]);
        Assert.Equal((fresh, 0), await waiting is { } probe ? (probe.VideoId, probe.ItemId) : default);

        await scheduler.EnqueueAsync(
        [
            new WorkTicket(fresh, 1, WorkPriority.FastStart, default),
            new WorkTicket(fresh, 2, WorkPriority.Audio, default, WorkKind.EncodeAudio),
        ]);
        Assert.Equal(1, (await scheduler.TakeAsync(Silo, TimeSpan.Zero, WorkPriority.Audio))?.ItemId);
        Assert.Equal(2, (await scheduler.TakeAsync(Silo, TimeSpan.Zero, WorkPriority.Audio))?.ItemId);
        Assert.Null(await scheduler.TakeAsync(Silo, TimeSpan.Zero, WorkPriority.Audio));

        // A plain taker still takes everything, most urgent first.
        Assert.Equal((busy, 8), await scheduler.TakeAsync(Silo, TimeSpan.Zero) is { } first ? (first.VideoId, first.ItemId) : default);
        Assert.Equal((busy, 7), await scheduler.TakeAsync(Silo, TimeSpan.Zero) is { } second ? (second.VideoId, second.ItemId) : default);
        foreach (var (video, item) in new[] { (busy, 7), (busy, 8), (fresh, 0), (fresh, 1), (fresh, 2) })
        {
            await scheduler.DoneAsync(video, item);
        }
    }
}
