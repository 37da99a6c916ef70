using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Streamio.Host.Api;
using Streamio.Grains.Work;
using Streamio.Testing;

namespace Streamio.Host.Tests.Cluster;

/// <summary>Roles, scale-out and the cluster view, with the host running as separate processes on PostgreSQL.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterTests(ClusterFixture fixture)
{
    [Fact]
    public async Task An_api_node_runs_no_silo_and_a_silo_node_serves_only_health()
    {
        await using var rig = await ClusterRig.CreateAsync(fixture);
        var api = await rig.StartAsync("api");
        var cluster = await api.Admin.GetFromJsonAsync<ClusterResponse>("/v1/cluster");
        Assert.Empty(cluster!.Silos);

        // Nothing picks the upload up while only the API runs: the probe waits in the queue, unowned.
        var id = await ClusterRig.UploadAsync(api, await ClipFactory.GetAsync(ClusterRig.Clip));
        var waiting = Assert.Single(await rig.Backbone.ListGroupAsync(id, CancellationToken.None));
        Assert.Equal(WorkKinds.Probe, waiting.Kind);
        Assert.Null(waiting.LeaseOwner);

        var silo = await rig.StartAsync("silo");
        Assert.Equal(HttpStatusCode.OK, (await silo.Http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await silo.Http.GetAsync("/readyz")).StatusCode);
        foreach (var path in new[] { "/", "/v1/videos", $"/v1/videos/{id}", "/v1/cluster", $"/play/{id}/master.m3u8" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await silo.Http.GetAsync(path)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await silo.Http.PostAsync("/v1/videos", new StringContent(""))).StatusCode);

        var video = await ClusterRig.WaitForFinishedAsync(api, id, () => silo.RecentOutput);
        Assert.Equal("ready", video.Status);
        // The one silo in the membership table is the silo process; the API process never joined.
        var member = Assert.Single((await api.Admin.GetFromJsonAsync<ClusterResponse>("/v1/cluster"))!.Silos);
        Assert.Contains(ClusterRig.SiloIdPart(silo), member.Id, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_with_an_unknown_role_refuses_to_start_and_says_why()
    {
        await using var rig = await ClusterRig.CreateAsync(fixture);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => rig.StartAsync("worker"));
        Assert.Contains("Streamio:Roles", error.Message, StringComparison.Ordinal);
        Assert.Contains("'api', 'silo' or both", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_videos_chunks_are_spread_over_two_silos_and_the_cluster_view_shows_them_working()
    {
        await using var rig = await ClusterRig.CreateAsync(fixture);
        var api = await rig.StartAsync("api");
        var siloA = await rig.StartAsync("silo");
        var siloB = await rig.StartAsync("silo");

        var before = (await api.Admin.GetFromJsonAsync<ClusterResponse>("/v1/cluster"))!;
        Assert.Equal(2, before.Silos.Count);
        Assert.Contains(before.Silos, silo => silo.Id.Contains(ClusterRig.SiloIdPart(siloA), StringComparison.Ordinal));
        Assert.Contains(before.Silos, silo => silo.Id.Contains(ClusterRig.SiloIdPart(siloB), StringComparison.Ordinal));
        Assert.All(before.Silos, silo =>
        {
            Assert.Equal(Environment.MachineName, silo.Host);
            Assert.InRange(silo.HeartbeatAgeSeconds, 0, 30);
        });

        var id = await ClusterRig.UploadAsync(api, await ClipFactory.GetAsync(ClusterRig.Clip));

        // Watch the queue while it encodes: who holds each chunk, and what the cluster view says meanwhile.
        var chunkOwners = new ConcurrentDictionary<long, ConcurrentBag<string>>();
        var sawChunksQueued = false;
        var sawRunningWork = false;
        var video = await ClusterRig.WaitForAsync(async () =>
        {
            foreach (var item in await rig.Backbone.ListGroupAsync(id, CancellationToken.None))
            {
                if (item is { Kind: WorkKinds.EncodeChunk, LeaseOwner: { } owner })
                {
                    chunkOwners.GetOrAdd(item.Id, _ => []).Add(owner);
                }
            }
            var view = (await api.Admin.GetFromJsonAsync<ClusterResponse>("/v1/cluster"))!;
            sawChunksQueued |= view.Queue.Any(kind => kind.Kind == WorkKinds.EncodeChunk && kind.Queued + kind.Leased > 0);
            sawRunningWork |= view.Silos.Any(silo => silo.RunningWork > 0);
            return await ClusterRig.GetVideoAsync(api, id);
        }, video => video.Status is "ready" or "failed", $"video {id} to finish", () => siloA.RecentOutput + siloB.RecentOutput);

        Assert.Equal("ready", video.Status);
        var owners = chunkOwners.Values.SelectMany(bag => bag).Distinct().ToList();
        Assert.Contains(owners, owner => owner.Contains(ClusterRig.SiloIdPart(siloA), StringComparison.Ordinal));
        Assert.Contains(owners, owner => owner.Contains(ClusterRig.SiloIdPart(siloB), StringComparison.Ordinal));
        Assert.True(sawChunksQueued, "GET /v1/cluster never showed encode-chunk work in the queue while encoding");
        Assert.True(sawRunningWork, "GET /v1/cluster never showed a silo running work while encoding");
        Assert.DoesNotContain((await api.Admin.GetFromJsonAsync<ClusterResponse>("/v1/cluster"))!.Queue, kind => kind.Kind == WorkKinds.EncodeChunk && kind.Queued + kind.Leased > 0);
        await ClusterRig.AssertWholeAsync(api, id, ClusterRig.Clip);
    }
}
