using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Streamio.Abstractions.Live;
using Streamio.Abstractions.Wire;
using Streamio.Host.Live;
using Streamio.Host.Tests.Cluster;
using Streamio.Testing;
using Xunit.Abstractions;

namespace Streamio.Host.Tests.LiveStreams;

/// <summary>
/// A live stream's grain on node A (API and silo, its own process), a viewer on node B (API only, another process):
/// what the silo reports reaches B's SignalR watcher through B's grain observer. The reports come from a third,
/// in-process API node of the same cluster, calling the stream's grain as the silo's ingest does on a publish.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CrossNodeLiveStreamTests(ClusterFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task A_viewer_on_another_API_node_gets_the_status_over_SignalR()
    {
        await using var rig = await ClusterRig.CreateAsync(fixture);
        var nodeA = await rig.StartAsync("api,silo");
        // An API-only node runs no ingest server: it names the silos' public ports, set here as in a deployment.
        var nodeB = await rig.StartAsync("api", settings => settings["Streamio:Live:Rtmp:Port"] = "1935");
        var settings = rig.Settings("api");
        await using var reporter = await StreamioNode.StartAsync(defaults =>
        {
            foreach (var (key, value) in settings)
            {
                defaults[key] = value;
            }
        });
        using var created = await nodeA.Http.PostAsJsonAsync("/v1/live-streams", new { title = "across nodes" });
        var stream = (await created.Content.ReadFromJsonAsync<LiveStreamResponse>())!;
        await using var watcher = await HubWatcher.ConnectAsync(nodeB.BaseAddress);

        await watcher.SubscribeLiveAsync(stream.Id);
        var first = await watcher.NextAsync(VideoHub.LiveUpdated, TimeSpan.FromMinutes(1));
        Assert.Equal("idle", (string?)first.Body["status"]);
        // B names its own host in the publish URLs it shows.
        Assert.Equal($"rtmp://{nodeB.BaseAddress.Host}:1935/live", (string?)first.Body["rtmpUrl"]);

        var grain = reporter.Services.GetRequiredService<IGrainFactory>().GetGrain<ILiveStreamGrain>(stream.Id);
        var silo = (await reporter.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Keys.First();
        var leg = await grain.OnPublisherConnectedAsync(new LivePublisher(silo.ToParsableString(), "srt", "127.0.0.1:50001"));
        Assert.True(leg.Accepted, leg.Refusal);
        var connected = await NextStatusAsync(watcher, "connected");
        Assert.Equal("srt", (string?)connected["session"]?["protocol"]);

        using (var deleted = await nodeA.Http.DeleteAsync($"/v1/live-streams/{stream.Id}"))
        {
            deleted.EnsureSuccessStatusCode();
        }
        var notice = await watcher.NextAsync(VideoHub.LiveDeleted, TimeSpan.FromMinutes(1));
        Assert.Equal(stream.Id, (string?)notice.Body["id"]);
        output.WriteLine("idle, connected and the deletion reached node B's watcher");
    }

    private static async Task<System.Text.Json.Nodes.JsonNode> NextStatusAsync(HubWatcher watcher, string status)
    {
        while (true)
        {
            var update = await watcher.NextAsync(VideoHub.LiveUpdated, TimeSpan.FromMinutes(1));
            if ((string?)update.Body["status"] == status)
            {
                return update.Body;
            }
        }
    }
}
