using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR;
using Streamio.Host.Live;
using Streamio.Testing;
using Xunit.Abstractions;

namespace Streamio.Host.Tests.Live;

/// <summary>/hubs/videos on one node, driven by the .NET SignalR client (negotiate, then a real WebSocket).</summary>
[Collection(SharedNodeCollection.Name)]
public sealed class VideoHubTests(SharedNodeFixture fixture, ITestOutputHelper output)
{
    private StreamioNode Node => fixture.Node;

    [Fact]
    public async Task Subscribing_to_a_missing_video_fails_with_a_clear_message()
    {
        await using var client = await HubWatcher.ConnectAsync(Node.BaseAddress);

        var missing = await Assert.ThrowsAsync<HubException>(() => client.SubscribeAsync("v_missing"));
        var empty = await Assert.ThrowsAsync<HubException>(() => client.SubscribeAsync(""));

        Assert.Contains("There is no video 'v_missing'", missing.Message);
        Assert.Contains("Subscribe needs a video id", empty.Message);
    }

    [Fact]
    public async Task A_late_subscriber_first_receives_the_current_state_in_the_exact_GET_shape()
    {
        var ready = await fixture.ReadyVideoAsync();
        await using var client = await HubWatcher.ConnectAsync(Node.BaseAddress);

        await client.SubscribeAsync(ready.Id);
        var first = await client.NextAsync(VideoHub.VideoUpdated);

        var fromHttp = JsonNode.Parse(await Node.Http.GetStringAsync($"/v1/videos/{ready.Id}"));
        Assert.True(JsonNode.DeepEquals(fromHttp, first.Body), $"hub: {first.Body.ToJsonString()}\nGET: {fromHttp?.ToJsonString()}");
    }

    [Fact]
    public async Task Updates_arrive_in_order_while_encoding_until_ready()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 8, Width: 640, Height: 360, Gop: 15));
        await using var client = await HubWatcher.ConnectAsync(Node.BaseAddress);
        var uploaded = await Node.UploadOkAsync(clip, "Live clip");

        await client.SubscribeAsync(uploaded.Id);
        var updates = await LiveUpdates.ReadUntilReadyAsync(client, uploaded.Id);

        var encoding = updates.Where(update => (string)update.Body["status"]! == "encoding").ToList();
        Assert.True(encoding.Count >= 2, $"expected several updates while encoding, got {encoding.Count}");
        Assert.Contains(encoding, update => (bool)update.Body["playable"]!);
        Assert.Contains(encoding, update => (double)update.Body["progress"]! is > 0 and < 1);
        Assert.Equal(1.0, (double)updates[^1].Body["progress"]!);
        var gaps = encoding.Zip(encoding.Skip(1), (a, b) => (b.ReceivedAt - a.ReceivedAt).TotalMilliseconds).DefaultIfEmpty(0);
        output.WriteLine($"{updates.Count} updates, {encoding.Count} while encoding, longest gap while encoding {gaps.Max():0} ms");
    }

    [Fact]
    public async Task A_deleted_video_sends_a_final_notice_and_unsubscribed_clients_get_nothing()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 2, Width: 320, Height: 180));
        var uploaded = await Node.UploadOkAsync(clip, "To delete");
        await using var watcher = await HubWatcher.ConnectAsync(Node.BaseAddress);
        await using var leaver = await HubWatcher.ConnectAsync(Node.BaseAddress);
        await watcher.SubscribeAsync(uploaded.Id);
        await leaver.SubscribeAsync(uploaded.Id);
        await leaver.UnsubscribeAsync(uploaded.Id);

        using var deleted = await Node.Http.DeleteAsync($"/v1/videos/{uploaded.Id}");
        deleted.EnsureSuccessStatusCode();
        var notice = await watcher.NextAsync(VideoHub.VideoDeleted);

        Assert.Equal(uploaded.Id, (string)notice.Body["id"]!);
        // The leaver's stream holds at most the state pushed before it left, and never the deletion.
        Assert.DoesNotContain(VideoHub.VideoDeleted, leaver.Drain().Select(message => message.Target));
        var gone = await Assert.ThrowsAsync<HubException>(() => watcher.SubscribeAsync(uploaded.Id));
        Assert.Contains("There is no video", gone.Message);
        using var response = await Node.Http.GetAsync($"/v1/videos/{uploaded.Id}");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }
}
