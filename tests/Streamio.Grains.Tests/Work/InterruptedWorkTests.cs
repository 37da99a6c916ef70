using Orleans.Runtime;
using Streamio.Abstractions.Videos;
using Streamio.Abstractions.Work;
using Streamio.Grains.Tests.Projects;
using Streamio.Grains.Videos;
using Streamio.Grains.Work;
using Streamio.Media;

namespace Streamio.Grains.Tests.Work;

/// <summary>
/// Work that broke off because a grain it called could not be reached (a silo that stopped answering and is not yet
/// declared dead) is run again without spending the item's attempts, up to a bound. Driven by hand on a cluster without
/// workers: this test plays the worker.
/// </summary>
[Collection(ProjectsClusterCollection.Name)]
public sealed class InterruptedWorkTests(ProjectsClusterFixture fixture)
{
    private const string Worker = "127.0.0.1:11111@1";

    [Fact]
    public async Task Interruptions_do_not_spend_attempts_until_there_have_been_too_many()
    {
        var projectId = $"p_{Guid.NewGuid():N}";
        var video = fixture.Grains.GetGrain<IVideoGrain>($"v_{Guid.NewGuid():N}");
        await video.CreateAsync(new NewVideo(projectId, "interrupted", $"projects/{projectId}/source", 1000, WithLogo: false));
        try
        {
            for (var interruption = 1; interruption <= VideoGrain.MaxInterruptions; interruption++)
            {
                var attempt = await video.StartWorkAsync(0, Worker);
                Assert.Equal(1, attempt?.Attempt);
                await video.OnWorkInterruptedAsync(0, 1, $"silo unreachable ({interruption})");
            }
            Assert.Equal(VideoStatus.Probing, (await video.GetAsync())!.Status);

            // One more: it counts now, as an ordinary failed attempt would.
            Assert.Equal(1, (await video.StartWorkAsync(0, Worker))?.Attempt);
            await video.OnWorkInterruptedAsync(0, 1, "silo unreachable, again");
            Assert.Equal(2, (await video.StartWorkAsync(0, Worker))?.Attempt);

            // A report of an attempt that is no longer the running one changes nothing.
            await video.OnWorkInterruptedAsync(0, 1, "late");
            Assert.Null(await video.StartWorkAsync(0, Worker));
        }
        finally
        {
            Assert.True(await video.DeleteAsync(projectId));
        }
    }

    [Fact]
    public void Only_calls_that_did_not_reach_their_grain_interrupt_here_or_wrapped()
    {
        Assert.True(Reports.IsUnreachableGrain(new SiloUnavailableException("gone")));
        Assert.True(Reports.IsUnreachableGrain(new TimeoutException("no answer")));
        Assert.True(Reports.IsUnreachableGrain(new InvalidOperationException("publish failed", new SiloUnavailableException("gone"))));
        Assert.True(Reports.IsUnreachableGrain(new AggregateException(new IOException("disk"), new TimeoutException("no answer"))));

        Assert.False(Reports.IsUnreachableGrain(new MediaToolException("ffmpeg failed with exit code 1", "")));
        Assert.False(Reports.IsUnreachableGrain(new InvalidOperationException("Chunk at segment 3 produced 1 of 3 segments")));
        Assert.False(Reports.IsUnreachableGrain(new AggregateException(new IOException("disk"))));
    }
}
