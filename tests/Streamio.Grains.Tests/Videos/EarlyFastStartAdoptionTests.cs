using Streamio.Abstractions.Videos;
using Streamio.Abstractions.Work;
using Streamio.Grains.Tests.Projects;

namespace Streamio.Grains.Tests.Videos;

/// <summary>
/// The video's side of the fast start begun beside the probe, driven by hand on a cluster without workers (this test
/// plays the probing silo): the video adopts that encode only when its plan's fast start is exactly it.
/// </summary>
[Collection(ProjectsClusterCollection.Name)]
public sealed class EarlyFastStartAdoptionTests(ProjectsClusterFixture fixture)
{
    private const string Prober = "127.0.0.1:11111@1";
    private const string OtherSilo = "127.0.0.1:11112@1";

    /// <summary>The default ladder's lowest rung (360p, 800 kbit/s) and timeline (1 s first segment, then 4 s).</summary>
    private static readonly EarlyFastStart Lowest = new(360, 800, 1, 4);

    private static readonly SourceFacts FullHd = new("mov,mp4,m4a,3gp,3g2,mj2", 20, 1920, 1080, 30, HasAudio: true);

    [Fact]
    public async Task A_matching_early_encode_makes_the_fast_start_the_probing_silos_and_asking_again_gives_the_same_answer()
    {
        var (projectId, video, probe) = await ProbingAsync(forensic: false);
        try
        {
            var adopted = await video.OnProbedAsync(probe.ItemId, probe.Attempt, FullHd, Lowest);

            Assert.NotNull(adopted);
            Assert.Equal((WorkKind.EncodeChunk, 0, 1, 1), (adopted.Kind, adopted.FirstSegment, adopted.SegmentCount, adopted.Attempt));
            Assert.Equal(["360p"], adopted.Rungs);
            Assert.Equal(640, adopted.Plan!.Renditions.Single(rendition => rendition.Name == "360p").Width);
            // Running already: no other silo can start it, and the rest of the ladder is handed out as usual.
            Assert.Null(await video.StartWorkAsync(adopted.ItemId, OtherSilo));
            var next = await video.StartWorkAsync(adopted.ItemId + 1, OtherSilo);
            Assert.NotNull(next);
            Assert.NotEqual(adopted.ItemId, next.ItemId);

            // The probing silo asks again (its answer was lost): the same item and attempt, not a second one.
            var again = await video.OnProbedAsync(probe.ItemId, probe.Attempt, FullHd, Lowest);
            Assert.Equal((adopted.ItemId, adopted.Attempt), (again?.ItemId, again?.Attempt));

            // Handed back, it runs again like any item, and the earlier report no longer adopts anything.
            await video.OnWorkReleasedAsync(adopted.ItemId, adopted.Attempt);
            var rerun = await video.StartWorkAsync(adopted.ItemId, OtherSilo);
            Assert.Equal(1, rerun?.Attempt);
            Assert.Null(await video.OnProbedAsync(probe.ItemId, probe.Attempt, FullHd, Lowest));
        }
        finally
        {
            Assert.True(await video.DeleteAsync(projectId));
        }
    }

    [Theory]
    [InlineData(480, 800, 1, 4)]
    [InlineData(360, 1000, 1, 4)]
    [InlineData(360, 800, 2, 4)]
    [InlineData(360, 800, 1, 6)]
    public async Task An_early_encode_of_another_rung_or_timeline_is_not_adopted_and_the_fast_start_waits_for_any_worker(
        int height, int kbps, double firstSeconds, double segmentSeconds)
    {
        var (projectId, video, probe) = await ProbingAsync(forensic: false);
        try
        {
            Assert.Null(await video.OnProbedAsync(probe.ItemId, probe.Attempt, FullHd, new EarlyFastStart(height, kbps, firstSeconds, segmentSeconds)));

            var fastStart = await video.StartWorkAsync(probe.ItemId + 1, OtherSilo);
            Assert.Equal((0, 1), (fastStart?.FirstSegment, fastStart?.SegmentCount));
            Assert.Equal(["360p"], fastStart!.Rungs);
        }
        finally
        {
            Assert.True(await video.DeleteAsync(projectId));
        }
    }

    /// <summary>
    /// A 320x180 source: the plan's only rung is 180p, not the 360p the early encode guessed. A forensic video: its first
    /// segment is a whole one.
    /// </summary>
    [Theory]
    [InlineData(320, 180, false)]
    [InlineData(1920, 1080, true)]
    public async Task A_source_below_the_lowest_rung_or_a_forensic_video_does_not_adopt_it(int width, int height, bool forensic)
    {
        var (projectId, video, probe) = await ProbingAsync(forensic);
        try
        {
            Assert.Null(await video.OnProbedAsync(probe.ItemId, probe.Attempt, FullHd with { Width = width, Height = height }, Lowest));
        }
        finally
        {
            Assert.True(await video.DeleteAsync(projectId));
        }
    }

    private async Task<(string ProjectId, IVideoGrain Video, WorkAssignment Probe)> ProbingAsync(bool forensic)
    {
        var projectId = $"p_{Guid.NewGuid():N}";
        var video = fixture.Grains.GetGrain<IVideoGrain>($"v_{Guid.NewGuid():N}");
        await video.CreateAsync(new NewVideo(projectId, "early fast start", $"projects/{projectId}/source", 1000, WithLogo: false, Forensic: forensic));
        var probe = await video.StartWorkAsync(0, Prober);
        Assert.Equal(WorkKind.Probe, probe?.Kind);
        return (projectId, video, probe!);
    }
}
