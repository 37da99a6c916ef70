using Xunit.Abstractions;

namespace Streamio.Host.Tests.Cluster;

/// <summary>SIGTERM to a silo: it stops taking work, then finishes its chunk within the grace period or hands it back at once.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ShutdownTests(ClusterFixture fixture, ITestOutputHelper output)
{
    /// <summary>The silo under test encodes at x264's slowest preset, so the chunk it runs is surely still running when SIGTERM comes.</summary>
    private static void SlowestChunks(Dictionary<string, string?> settings) => settings["Streamio:Ffmpeg:Preset"] = "veryslow";

    private static Task WaitUntilGoneAsync(StreamioProcess api, StreamioProcess silo) =>
        ClusterRig.WaitForAsync(() => ClusterRig.TryGetClusterAsync(api), view => view is not null && ClusterRig.SiloOf(view, silo) is null,
            "the stopped silo to leave the cluster view", seconds: 60);

    [Fact]
    public async Task A_silo_stopped_with_a_long_grace_finishes_its_chunk_and_leaves()
    {
        await using var rig = await ClusterRig.CreateAsync(fixture);
        var (api, silo, survivor, id, chunk, clip) = await rig.StartEncodingAsync(settings =>
        {
            SlowestChunks(settings);
            settings["Streamio:Silo:ShutdownGraceSeconds"] = "300";
        });

        await silo.SignalTerminateAsync();
        var terminatedAt = rig.Chunks.Elapsed;
        Assert.True(ClusterRig.IsAlive(chunk.Pid), "the chunk had ended before SIGTERM: the test proves nothing");
        await silo.WaitForExitAsync(TimeSpan.FromMinutes(6));

        Assert.Equal(0, silo.ExitCode);
        Assert.DoesNotContain("handing back", silo.RecentOutput, StringComparison.OrdinalIgnoreCase);
        // The silo left the cluster; the survivor finishes the rest of the video.
        await WaitUntilGoneAsync(api, silo);
        var video = await ClusterRig.WaitForFinishedAsync(api, id, () => survivor.RecentOutput);
        Assert.True(video.Status == "ready", $"status {video.Status}, error {video.Error}\n{survivor.RecentOutput}");
        // The chunk was completed, not handed back: no silo ran it again, as the same attempt or a later one.
        Assert.Equal([chunk], rig.Chunks.Sightings.Where(sighting => sighting.VideoId == id && sighting.ItemId == chunk.ItemId));
        // After SIGTERM the silo took no more work (a margin for the watch's own polling).
        Assert.DoesNotContain(rig.ChunksOn(silo, id), sighting => sighting.FirstSeen > terminatedAt + TimeSpan.FromSeconds(1));
        await ClusterRig.AssertWholeAsync(api, id, clip);
    }

    [Fact]
    public async Task A_silo_stopped_with_a_tiny_grace_stops_ffmpeg_and_hands_the_chunk_back_at_once()
    {
        await using var rig = await ClusterRig.CreateAsync(fixture);
        var (api, silo, survivor, id, chunk, clip) = await rig.StartEncodingAsync(settings =>
        {
            SlowestChunks(settings);
            settings["Streamio:Silo:ShutdownGraceSeconds"] = "0";
        });

        var terminatedAt = rig.Chunks.Elapsed;
        await silo.TerminateAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(0, silo.ExitCode);
        Assert.Contains("handing back", silo.RecentOutput, StringComparison.OrdinalIgnoreCase);
        Assert.False(ClusterRig.IsAlive(chunk.Pid), "the silo exited and left its FFmpeg running");
        await WaitUntilGoneAsync(api, silo);
        // The survivor runs the chunk as the same attempt: it was handed back (which does not count as an attempt), not
        // lost with its silo (which would count, and wait for the silo to be declared dead).
        var again = await rig.Chunks.WaitForAsync(
            sighting => sighting.WorkPath == ClusterRig.WorkPathOf(survivor) && sighting.VideoId == id && sighting.ItemId == chunk.ItemId,
            $"chunk {chunk.ItemId} of {id} on the survivor", () => ClusterRig.DescribeAsync(api, id, ("survivor", survivor), ("stopped silo", silo), ("api", api)));
        Assert.Equal(chunk.Attempt, again.Attempt);
        output.WriteLine($"SIGTERM with no grace -> chunk {chunk.ItemId} running on the survivor after {(again.FirstSeen - terminatedAt).TotalSeconds:0.0} s");
        var video = await ClusterRig.WaitForFinishedAsync(api, id, () => survivor.RecentOutput);
        Assert.True(video.Status == "ready", $"status {video.Status}, error {video.Error}\n{survivor.RecentOutput}");
        await ClusterRig.AssertWholeAsync(api, id, clip);
    }
}
