using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Streamio.Abstractions.Live;
using Streamio.Abstractions.Wire;
using Streamio.Host.Live;
using Streamio.Testing;

namespace Streamio.Host.Tests.LiveStreams;

/// <summary>
/// SubscribeLive on /hubs/videos: the current state in the GET shape, then a <c>liveUpdated</c> on every change the
/// stream's grain reports (a new key, a publisher the silo accepted), and <c>liveDeleted</c> when it goes.
/// </summary>
[Collection(SecuredNodeCollection.Name)]
public sealed class LiveHubTests(SecuredNodeFixture fixture)
{
    private StreamioNode Node => fixture.Node;

    private static async Task<JsonNode> NextForAsync(HubWatcher watcher, string target, string id, Func<JsonNode, bool> wanted)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            var message = await watcher.NextAsync(target, deadline - DateTimeOffset.UtcNow);
            if ((string?)message.Body["id"] == id && wanted(message.Body))
            {
                return message.Body;
            }
        }
    }

    [Fact]
    public async Task A_subscriber_gets_the_GET_shape_then_every_change_then_the_deletion()
    {
        var project = await fixture.NewProjectAsync("live-hub");
        var stream = await LiveStreamApiTests.CreateAsync(project.Http, new { title = "hub" });
        await using var watcher = await HubWatcher.ConnectAsync(Node.BaseAddress, project.Key);

        await watcher.SubscribeLiveAsync(stream.Id);

        var first = await NextForAsync(watcher, VideoHub.LiveUpdated, stream.Id, _ => true);
        var fromHttp = JsonNode.Parse(await project.Http.GetStringAsync($"/v1/live-streams/{stream.Id}"));
        Assert.True(JsonNode.DeepEquals(fromHttp, first), $"hub: {first.ToJsonString()}\nGET: {fromHttp?.ToJsonString()}");

        using (var reset = await project.Http.PostAsync($"/v1/live-streams/{stream.Id}/reset-key", null))
        {
            var newKey = (await reset.Content.ReadFromJsonAsync<LiveStreamResponse>())!.StreamKey;
            await NextForAsync(watcher, VideoHub.LiveUpdated, stream.Id, update => (string?)update["streamKey"] == newKey);
        }

        // What the silo's ingest tells the stream when it accepts a publisher with the key.
        var silo = Node.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString();
        var leg = await Node.Services.GetRequiredService<IGrainFactory>().GetGrain<ILiveStreamGrain>(stream.Id)
            .OnPublisherConnectedAsync(new LivePublisher(silo, "rtmp", "127.0.0.1:50000"));
        Assert.True(leg.Accepted, leg.Refusal);
        var connected = await NextForAsync(watcher, VideoHub.LiveUpdated, stream.Id, update => (string?)update["status"] == "connected");
        Assert.Equal("rtmp", (string?)connected["session"]?["protocol"]);
        Assert.Equal(1, (int?)connected["session"]?["legs"]);

        using (await project.Http.DeleteAsync($"/v1/live-streams/{stream.Id}"))
        {
        }
        var deleted = await watcher.NextAsync(VideoHub.LiveDeleted, TimeSpan.FromMinutes(1));
        Assert.Equal(stream.Id, (string?)deleted.Body["id"]);
    }

    [Fact]
    public async Task Another_projects_stream_cannot_be_watched()
    {
        var owner = await fixture.NewProjectAsync("live-hub-owner");
        var stranger = await fixture.NewProjectAsync("live-hub-stranger");
        var stream = await LiveStreamApiTests.CreateAsync(owner.Http, new { title = "private" });
        await using var watcher = await HubWatcher.ConnectAsync(Node.BaseAddress, stranger.Key);

        var refused = await Assert.ThrowsAsync<HubException>(() => watcher.SubscribeLiveAsync(stream.Id));
        var empty = await Assert.ThrowsAsync<HubException>(() => watcher.SubscribeLiveAsync(""));

        Assert.Contains($"There is no live stream '{stream.Id}'", refused.Message);
        Assert.Contains("SubscribeLive needs a live stream id", empty.Message);
    }
}
