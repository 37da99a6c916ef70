using System.Net;
using Streamio.Host.Api;
using Streamio.Testing;
using Xunit.Abstractions;

namespace Streamio.Host.Tests.Cluster;

/// <summary>Roles, scale-out and the cluster view, with the host running as separate processes (Orleans silos and clients).</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterTests(ClusterFixture fixture, ITestOutputHelper output)
{
    [Theory]
    [InlineData(Clustering.AdoNet)]
    [InlineData(Clustering.AzureTable)]
    public async Task An_api_node_runs_no_silo_and_a_silo_node_serves_only_health(string clustering)
    {
        await using var rig = await ClusterRig.CreateAsync(fixture, clustering);
        var silo = await rig.StartAsync("silo");
        var api = await rig.StartAsync("api");

        // The API node is an Orleans client: it lists the one silo, and nothing listens on the silo or gateway ports it was given.
        var view = await ClusterRig.GetClusterAsync(api);
        var member = Assert.Single(view.Silos);
        Assert.Equal(member, ClusterRig.SiloOf(view, silo));
        Assert.Equal("active", member.Status);
        Assert.Equal(Environment.MachineName, member.Host);
        Assert.True(member.Activations > 0, "the silo hosts no activation, not even the work scheduler");
        Assert.False(ClusterRig.Listens(ClusterRig.SiloPortOf(api)), "the API node listens on its silo port");
        Assert.False(ClusterRig.Listens(ClusterRig.GatewayPortOf(api)), "the API node listens on its gateway port");
        Assert.True(ClusterRig.Listens(ClusterRig.GatewayPortOf(silo)), "the silo's gateway does not listen");

        var id = await ClusterRig.UploadAsync(api, await ClipFactory.GetAsync(ClusterRig.Clip));

        // A silo node answers health checks and nothing else.
        Assert.Equal(HttpStatusCode.OK, (await silo.Http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await silo.Http.GetAsync("/readyz")).StatusCode);
        foreach (var path in new[] { "/", "/v1/videos", $"/v1/videos/{id}", "/v1/cluster", $"/play/{id}/master.m3u8", "/hubs/videos/negotiate" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await silo.Admin.GetAsync(path)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await silo.Http.PostAsync("/v1/videos", new StringContent(""))).StatusCode);

        var video = await ClusterRig.WaitForFinishedAsync(api, id, () => silo.RecentOutput);
        Assert.Equal("ready", video.Status);
        // Every chunk ran on the silo, none on the API node (which has no workers: its scratch folder was never made).
        Assert.NotEmpty(rig.ChunksOn(silo, id));
        Assert.False(Directory.Exists(api.Settings["Streamio:Encoding:WorkPath"]), "the API node made a scratch folder");
        Assert.Equal(member.Address, Assert.Single((await ClusterRig.GetClusterAsync(api)).Silos).Address);
        output.WriteLine($"{clustering}: silo {member.Address} ({member.Name}), {rig.ChunksOn(silo, id).Count} chunk encodes");
    }

    [Fact]
    public async Task A_node_with_an_unknown_role_refuses_to_start_and_says_why()
    {
        await using var rig = await ClusterRig.CreateAsync(fixture);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => rig.StartAsync("worker"));
        Assert.Contains("Streamio:Roles", error.Message, StringComparison.Ordinal);
        Assert.Contains("'api', 'silo' or both", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Clustering.AdoNet)]
    [InlineData(Clustering.AzureTable)]
    public async Task One_videos_chunks_are_spread_over_two_silos_and_the_cluster_view_shows_them_working(string clustering)
    {
        await using var rig = await ClusterRig.CreateAsync(fixture, clustering);
        // x264 at preset medium: each chunk runs long enough for GET /v1/cluster to see it.
        var siloA = await rig.StartAsync("silo", settings => settings["Streamio:Ffmpeg:Preset"] = "medium");
        var siloB = await rig.StartAsync("silo", settings => settings["Streamio:Ffmpeg:Preset"] = "medium");
        var api = await rig.StartAsync("api");

        var before = await ClusterRig.WaitForAsync(() => ClusterRig.TryGetClusterAsync(api), view => view?.Silos.Count == 2,
            "the API node to see both silos", () => siloA.RecentOutput + siloB.RecentOutput);
        foreach (var silo in new[] { siloA, siloB })
        {
            var listed = ClusterRig.SiloOf(before!, silo);
            Assert.NotNull(listed);
            Assert.Equal("active", listed.Status);
            Assert.Equal(Environment.MachineName, listed.Host);
            Assert.Equal(0, listed.RunningWork);
        }
        Assert.Equal(new WorkResponse(0, 0, 0), before!.Work);

        var id = await ClusterRig.UploadAsync(api, await ClipFactory.GetAsync(ClusterRig.Clip));

        // Watch the cluster view while it encodes: the work it shows, and which silos it shows running some.
        var busiest = new Dictionary<string, int>();
        var sawWorkQueued = false;
        var video = await ClusterRig.WaitForAsync(async () =>
        {
            if (await ClusterRig.TryGetClusterAsync(api) is { } view)
            {
                sawWorkQueued |= view.Work is { Videos: 1 } && view.Work.Waiting + view.Work.Running > 0;
                foreach (var silo in view.Silos)
                {
                    busiest[silo.Address] = Math.Max(busiest.GetValueOrDefault(silo.Address), silo.RunningWork);
                }
            }
            return await ClusterRig.TryGetVideoAsync(api, id);
        }, video => video?.Status is "ready" or "failed", $"video {id} to finish", () => siloA.RecentOutput + siloB.RecentOutput);

        Assert.Equal("ready", video!.Status);
        var chunksOnA = rig.ChunksOn(siloA, id);
        var chunksOnB = rig.ChunksOn(siloB, id);
        Assert.True(chunksOnA.Count > 0 && chunksOnB.Count > 0, $"chunks did not run on both silos: {rig.Chunks.Describe()}");
        // Each chunk ran once: nothing failed, so no item needed a second attempt, and no two silos ran the same one.
        Assert.Equal(chunksOnA.Count + chunksOnB.Count, chunksOnA.Concat(chunksOnB).Select(chunk => chunk.ItemId).Distinct().Count());
        Assert.All(chunksOnA.Concat(chunksOnB), chunk => Assert.Equal(1, chunk.Attempt));
        Assert.True(sawWorkQueued, "GET /v1/cluster never showed the video's work waiting or running");
        foreach (var silo in new[] { siloA, siloB })
        {
            var address = ClusterRig.SiloOf(before, silo)!.Address;
            Assert.True(busiest.GetValueOrDefault(address) > 0, $"GET /v1/cluster never showed silo {address} running work; seen: {string.Join(", ", busiest)}");
        }
        await ClusterRig.WaitForIdleAsync(api);
        await ClusterRig.AssertWholeAsync(api, id, ClusterRig.Clip);
        output.WriteLine($"{clustering}: chunks on A: {string.Join(",", chunksOnA.Select(chunk => chunk.ItemId))}; on B: {string.Join(",", chunksOnB.Select(chunk => chunk.ItemId))}");
    }

    [Fact]
    public async Task A_silo_that_joins_mid_encode_takes_a_share_of_the_work()
    {
        await using var rig = await ClusterRig.CreateAsync(fixture);
        var first = await rig.StartAsync("silo", ClusterRig.SlowChunks);
        var api = await rig.StartAsync("api");
        // 16 s in 4-segment chunks: the fast-start pair and four whole chunks, more than one worker gets through quickly.
        var clip = ClusterRig.LongClip;
        var id = await ClusterRig.UploadAsync(api, await ClipFactory.GetAsync(clip));
        await rig.WaitForChunkRunningOnAsync(first, id);

        var joiner = await rig.StartAsync("silo", ClusterRig.SlowChunks);
        var joinerBusy = false;
        var video = await ClusterRig.WaitForAsync(async () =>
        {
            if (await ClusterRig.TryGetClusterAsync(api) is { } view && ClusterRig.SiloOf(view, joiner) is { RunningWork: > 0 })
            {
                joinerBusy = true;
            }
            return await ClusterRig.TryGetVideoAsync(api, id);
        }, video => video?.Status is "ready" or "failed", $"video {id} to finish", () => first.RecentOutput + joiner.RecentOutput);

        Assert.Equal("ready", video!.Status);
        Assert.True(joinerBusy, "GET /v1/cluster never showed the joining silo running work");
        Assert.NotEmpty(rig.ChunksOn(joiner, id));
        await ClusterRig.AssertWholeAsync(api, id, clip);
        output.WriteLine($"chunks on the first silo: {string.Join(",", rig.ChunksOn(first, id).Select(chunk => chunk.ItemId))}; " +
            $"on the joiner: {string.Join(",", rig.ChunksOn(joiner, id).Select(chunk => chunk.ItemId))}");
    }
}
