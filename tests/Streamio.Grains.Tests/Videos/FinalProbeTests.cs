using Streamio.Abstractions.Videos;
using Streamio.Abstractions.Work;
using Streamio.Grains.Tests.Projects;
using Streamio.Grains.Work;
using Streamio.Media;

namespace Streamio.Grains.Tests.Videos;

/// <summary>
/// A video encoded while uploading, driven by hand on a cluster without workers (this test plays the worker): the probe
/// of the stored source, due when the upload ends, is not handed out while the fast start still encodes; the chunks it
/// schedules say how many of the video's chunks still wait.
/// </summary>
[Collection(ProjectsClusterCollection.Name)]
public sealed class FinalProbeTests(ProjectsClusterFixture fixture)
{
    private const string Worker = "127.0.0.1:11111@1";

    [Fact]
    public async Task The_final_probe_waits_for_the_fast_start_that_gates_playback_and_runs_once_it_is_done_then_schedules_the_ladder()
    {
        var projectId = $"p_{Guid.NewGuid():N}";
        var video = fixture.Grains.GetGrain<IVideoGrain>($"v_{Guid.NewGuid():N}");
        await video.CreateAsync(new NewVideo(projectId, "final probe", $"projects/{projectId}/source", 0,
            WithLogo: false, ProgressiveSource: "http://127.0.0.1:9/growing"));
        try
        {
            // The head's probe plans the ladder; the fast start and the audio pass are scheduled on the growing source.
            var head = await StartAsync(video, 0, WorkKind.Probe);
            Assert.NotNull(head.ProgressiveSource);
            await video.OnProbedAsync(0, head.Attempt, new SourceFacts("mov,mp4,m4a,3gp,3g2,mj2", 10, 640, 360, 30, HasAudio: true));
            var fastStart = await StartAsync(video, 1, WorkKind.EncodeChunk);
            Assert.Equal((0, 1), (fastStart.FirstSegment, fastStart.SegmentCount));
            await StartAsync(video, 2, WorkKind.EncodeAudio);

            // The upload ends while the fast start encodes: the final probe is due, but not handed out yet.
            var uploaded = await video.OnUploadedAsync(1_000_000, null);
            Assert.Equal(VideoStatus.Encoding, uploaded!.Status);
            Assert.Null(await video.StartWorkAsync(3, Worker));

            // The fast start ends: the final probe runs, on the stored source.
            await video.OnEncodedAsync(1, fastStart.Attempt);
            var final = await StartAsync(video, 3, WorkKind.Probe);
            Assert.Null(final.ProgressiveSource);

            // It schedules the rest of the ladder; each chunk handed out says how many more of the video's chunks wait,
            // which its worker weighs to share the cores between chunks running side by side.
            await video.OnProbedAsync(3, final.Attempt, new SourceFacts("mov,mp4,m4a,3gp,3g2,mj2", 600, 640, 360, 30, HasAudio: true));
            var started = new List<WorkAssignment>();
            for (var itemId = 4; await video.StartWorkAsync(itemId, Worker) is { } work; itemId++)
            {
                started.Add(work);
            }
            Assert.True(started.Count >= 2, $"{started.Count} chunks scheduled");
            Assert.All(started, work => Assert.Equal(WorkKind.EncodeChunk, work.Kind));
            Assert.Equal(Enumerable.Range(0, started.Count).Reverse(), started.Select(work => work.ChunksPending));
        }
        finally
        {
            Assert.True(await video.DeleteAsync(projectId));
        }
    }

    [Fact]
    public async Task Work_that_finds_the_growing_copy_gone_runs_again_at_once_on_the_stored_source_once_the_upload_has_completed()
    {
        var (projectId, video) = await UploadingAsync();
        try
        {
            // Still uploading: a copy that is gone is a real failure, and the attempt counts.
            var fastStart = await StartAsync(video, 1, WorkKind.EncodeChunk);
            await video.OnGrowingSourceGoneAsync(1, fastStart.Attempt, "Server returned 404 Not Found");
            fastStart = await StartAsync(video, 1, WorkKind.EncodeChunk);
            Assert.Equal(2, fastStart.Attempt);
            Assert.NotNull(fastStart.ProgressiveSource);

            // Handed out just before the last byte, it connected after: again at once, not counted, on the stored source.
            await video.OnUploadedAsync(1_000_000, null);
            await video.OnGrowingSourceGoneAsync(1, fastStart.Attempt, "Server returned 404 Not Found");
            var again = await StartAsync(video, 1, WorkKind.EncodeChunk);
            Assert.Equal(2, again.Attempt);
            Assert.Null(again.ProgressiveSource);
        }
        finally
        {
            Assert.True(await video.DeleteAsync(projectId));
        }
    }

    [Fact]
    public void A_404_from_ffmpegs_http_input_says_the_growing_copy_is_gone()
    {
        Assert.True(Reports.IsGrowingSourceGone(new MediaToolException("ffmpeg failed with exit code 1: http://127.0.0.1:1/internal/sources/v_1?exp=1&sig=x: Server returned 404 Not Found", "")));
        Assert.True(Reports.IsGrowingSourceGone(new InvalidOperationException("chunk", new MediaToolException("ffmpeg failed with exit code 1", "Server returned 404 Not Found"))));
        Assert.False(Reports.IsGrowingSourceGone(new MediaToolException("ffmpeg failed with exit code 1", "Invalid data found when processing input")));
    }

    /// <summary>A video created as uploading whose head is probed: item 1 is the fast start, item 2 the audio pass.</summary>
    private async Task<(string ProjectId, IVideoGrain Video)> UploadingAsync()
    {
        var projectId = $"p_{Guid.NewGuid():N}";
        var video = fixture.Grains.GetGrain<IVideoGrain>($"v_{Guid.NewGuid():N}");
        await video.CreateAsync(new NewVideo(projectId, "growing copy gone", $"projects/{projectId}/source", 0,
            WithLogo: false, ProgressiveSource: "http://127.0.0.1:9/growing"));
        var head = await StartAsync(video, 0, WorkKind.Probe);
        await video.OnProbedAsync(0, head.Attempt, new SourceFacts("mov,mp4,m4a,3gp,3g2,mj2", 10, 640, 360, 30, HasAudio: true));
        return (projectId, video);
    }

    private static async Task<WorkAssignment> StartAsync(IVideoGrain video, int itemId, WorkKind kind)
    {
        var work = await video.StartWorkAsync(itemId, Worker);
        Assert.NotNull(work);
        Assert.Equal(kind, work.Kind);
        return work;
    }
}
