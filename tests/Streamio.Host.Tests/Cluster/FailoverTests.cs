using System.Diagnostics;
using System.Net;
using Streamio.Testing;
using Xunit.Abstractions;

namespace Streamio.Host.Tests.Cluster;

/// <summary>Lost silos, poisoned inputs and restarts of the API node or the database: no work is lost or done twice.</summary>
[Collection(ClusterCollection.Name)]
public sealed class FailoverTests(ClusterFixture fixture, ITestOutputHelper output)
{
    [Theory]
    [InlineData(Clustering.AdoNet)]
    [InlineData(Clustering.AzureTable)]
    public async Task A_silo_killed_mid_chunk_has_the_chunk_redone_elsewhere_and_the_video_is_whole(string clustering)
    {
        await using var rig = await ClusterRig.CreateAsync(fixture, clustering);
        // The doomed silo encodes at x264's slowest preset and is killed the moment its first chunk encode is seen, so
        // the kill always lands mid-chunk (waiting for a quieter moment, e.g. the queue drained, raced the fast lane's
        // short items). The survivor has a second worker so the redo does not wait long behind the rest of the queue.
        var (api, doomed, survivor, id, chunk, clip) = await rig.StartEncodingAsync(
            settings => settings["Streamio:Ffmpeg:Preset"] = "veryslow", settings => settings["Streamio:Silo:Workers"] = "2");
        Assert.True(ClusterRig.IsAlive(chunk.Pid), $"the doomed silo's chunk encode (pid {chunk.Pid}) ended before the kill");
        var doomedAddress = $"127.0.0.1:{ClusterRig.SiloPortOf(doomed)}";

        var clock = Stopwatch.StartNew();
        await doomed.KillAsync();
        var killedAt = rig.Chunks.Elapsed;
        var gone = ClusterRig.WaitForAsync(async () => (View: await ClusterRig.TryGetClusterAsync(api), At: clock.Elapsed),
            state => state.View is { } view && ClusterRig.SiloOf(view, doomed) is null, "the killed silo to leave the cluster view");
        // Its FFmpeg goes with it (SIGKILL to the process tree, as when a pod dies); the signal takes a moment to land.
        await ClusterRig.WaitForAsync(() => Task.FromResult(ClusterRig.IsAlive(chunk.Pid)), alive => !alive, "the killed silo's FFmpeg to die", seconds: 30);

        // The same chunk runs again on the survivor, as the next attempt.
        var redone = await rig.Chunks.WaitForAsync(
            sighting => sighting.WorkPath == ClusterRig.WorkPathOf(survivor) && sighting.VideoId == id && sighting.ItemId == chunk.ItemId && sighting.Attempt > chunk.Attempt,
            $"chunk {chunk.ItemId} of {id} redone on the survivor", () => ClusterRig.DescribeAsync(api, id, ("survivor", survivor)));
        var redoneAfter = redone.FirstSeen - killedAt;
        var deadAfter = (await gone).At;

        var video = await ClusterRig.WaitForFinishedAsync(api, id, () => survivor.RecentOutput);
        Assert.True(video.Status == "ready", $"status {video.Status}, error {video.Error}\n{survivor.RecentOutput}");
        Assert.Equal(chunk.Attempt + 1, redone.Attempt);
        // Orleans declared the killed silo dead: the cluster view lists the survivor only.
        var member = Assert.Single((await ClusterRig.GetClusterAsync(api)).Silos);
        Assert.Equal(ClusterRig.SiloOf(await ClusterRig.GetClusterAsync(api), survivor)!.Address, member.Address);
        await ClusterRig.AssertWholeAsync(api, id, clip);

        var settings = string.Join(", ", ClusterRig.Membership.Select(pair => $"{pair.Key.Split(':')[^1]}={pair.Value}"));
        output.WriteLine($"{clustering}: SIGKILL of {doomedAddress} mid-chunk (item {chunk.ItemId}, attempt {chunk.Attempt}) -> " +
            $"chunk running again on the survivor after {redoneAfter.TotalSeconds:0.0} s (attempt {redone.Attempt}); " +
            $"gone from GET /v1/cluster (declared dead) after {deadAfter.TotalSeconds:0.0} s; membership: {settings}");
    }

    /// <summary>
    /// The kill as it usually comes: both silos mid-chunk, and Orleans' own membership timing (a dead silo is declared
    /// dead some 15 s after it stops answering). Half the time the video's grain lived on the killed silo, and the
    /// survivor must still get the reports of its own chunks through.
    /// </summary>
    [Fact]
    public async Task A_silo_killed_while_the_other_silo_is_mid_chunk_with_Orleans_default_membership_timing_loses_no_report()
    {
        await using var rig = await ClusterRig.CreateAsync(fixture);
        static void DefaultMembership(Dictionary<string, string?> settings)
        {
            ClusterRig.SlowChunks(settings);
            foreach (var key in ClusterRig.Membership.Keys)
            {
                settings.Remove(key);
            }
        }
        var survivor = await rig.StartAsync("silo", DefaultMembership);
        var doomed = await rig.StartAsync("silo", DefaultMembership);
        var api = await rig.StartAsync("api", DefaultMembership);
        var id = await ClusterRig.UploadAsync(api, await ClipFactory.GetAsync(ClusterRig.LongClip));
        await ClusterRig.WaitForAsync(() => Task.FromResult(rig.Chunks.Running()),
            running => running.Any(chunk => chunk.WorkPath == ClusterRig.WorkPathOf(doomed)) && running.Any(chunk => chunk.WorkPath == ClusterRig.WorkPathOf(survivor)),
            "both silos encoding a chunk");

        await doomed.KillAsync();

        var video = await ClusterRig.WaitForFinishedAsync(api, id, () => survivor.RecentOutput);
        Assert.True(video.Status == "ready", $"status {video.Status}, error {video.Error}\n{survivor.RecentOutput}");
        await ClusterRig.AssertWholeAsync(api, id, ClusterRig.LongClip);
    }

    [Fact]
    public async Task An_input_whose_samples_are_cut_off_fails_the_video_after_the_bounded_attempts()
    {
        await using var rig = await ClusterRig.CreateAsync(fixture);
        using var scratch = new TempDirectory();
        // A real damaged file: the index (moov, at the front) describes all 8 s, but the sample data stops after a third.
        var whole = scratch.Combine("whole.mp4");
        await FfmpegTools.FfmpegAsync("-hide_banner", "-nostdin", "-y", "-i", await ClipFactory.GetAsync(ClusterRig.Clip), "-c", "copy", "-movflags", "+faststart", whole);
        var bytes = await File.ReadAllBytesAsync(whole);
        var truncated = scratch.Combine("truncated.mp4");
        await File.WriteAllBytesAsync(truncated, bytes[..(bytes.Length / 3)]);

        var silo = await rig.StartAsync("silo", settings => settings["Streamio:Encoding:MaxAttempts"] = "2");
        var api = await rig.StartAsync("api", settings => settings["Streamio:Encoding:MaxAttempts"] = "2");
        var id = await ClusterRig.UploadAsync(api, truncated);
        var video = await ClusterRig.WaitForFinishedAsync(api, id, () => silo.RecentOutput);

        Assert.Equal("failed", video.Status);
        Assert.NotNull(video.DurationSeconds); // it passed the probe: the failure is the encode's
        Assert.Contains("after 2 attempts", video.Error, StringComparison.Ordinal);
        Assert.True(video.Error!.Contains("damaged", StringComparison.Ordinal), video.Error);
        // Nothing is left waiting to retry it forever.
        await ClusterRig.WaitForIdleAsync(api, () => silo.RecentOutput);
        Assert.Equal("failed", (await ClusterRig.GetVideoAsync(api, id)).Status);
    }

    [Fact]
    public async Task An_api_node_restarted_mid_encode_loses_nothing()
    {
        await using var rig = await ClusterRig.CreateAsync(fixture);
        var (api, silo, survivor, id, _, clip) = await rig.StartEncodingAsync();
        await api.KillAsync();

        var restarted = await rig.RestartAsync(api);
        Assert.Equal(HttpStatusCode.OK, (await restarted.Http.GetAsync($"/v1/videos/{id}")).StatusCode);
        var video = await ClusterRig.WaitForFinishedAsync(restarted, id, () => silo.RecentOutput + survivor.RecentOutput);
        Assert.True(video.Status == "ready", $"status {video.Status}, error {video.Error}\n{silo.RecentOutput}");
        // No work was redone: the API node held none, so losing it cost no attempt.
        Assert.All(rig.Chunks.Sightings, chunk => Assert.Equal(1, chunk.Attempt));
        Assert.Equal(2, (await ClusterRig.GetClusterAsync(restarted)).Silos.Count);
        await ClusterRig.AssertWholeAsync(restarted, id, clip);
    }

    [Fact]
    public async Task Nodes_reconnect_and_finish_after_PostgreSQL_restarts_mid_encode()
    {
        await using var rig = await ClusterRig.CreateAsync(fixture);
        var (api, silo, survivor, id, _, clip) = await rig.StartEncodingAsync();
        await rig.Server.RestartAsync();

        var video = await ClusterRig.WaitForFinishedAsync(api, id, () => silo.RecentOutput + survivor.RecentOutput);
        Assert.True(video.Status == "ready", $"status {video.Status}, error {video.Error}\n{silo.RecentOutput}\n{survivor.RecentOutput}");
        // Both silos rode the outage out: neither was declared dead.
        var view = await ClusterRig.GetClusterAsync(api);
        Assert.NotNull(ClusterRig.SiloOf(view, silo));
        Assert.NotNull(ClusterRig.SiloOf(view, survivor));
        Assert.Equal(2, view.Silos.Count);
        await ClusterRig.AssertWholeAsync(api, id, clip);
        // And the cluster still takes new work.
        var next = await ClusterRig.UploadAsync(api, await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 2, Width: 320, Height: 180)));
        Assert.Equal("ready", (await ClusterRig.WaitForFinishedAsync(api, next, () => silo.RecentOutput + survivor.RecentOutput)).Status);
    }
}
