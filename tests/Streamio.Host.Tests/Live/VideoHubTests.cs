using Xunit.Abstractions;
using System.Text.Json.Nodes;
using Streamio.Host.Live;
using Streamio.Testing;

namespace Streamio.Host.Tests.Live;

/// <summary>/hubs/videos on one node, driven by a JSON-protocol client over a real WebSocket.</summary>
[Collection(SharedNodeCollection.Name)]
public sealed class VideoHubTests(SharedNodeFixture fixture, ITestOutputHelper output)
{
    private StreamioNode Node => fixture.Node;

    [Fact]
    public async Task Subscribing_to_a_missing_video_fails_with_a_clear_message()
    {
        await using var client = await SignalRTestClient.ConnectAsync(Node.BaseAddress, VideoHub.Path);

        var missing = await Assert.ThrowsAsync<HubInvocationException>(() => client.InvokeAsync("Subscribe", "v_missing"));
        var empty = await Assert.ThrowsAsync<HubInvocationException>(() => client.InvokeAsync("Subscribe", ""));

        Assert.Contains("There is no video 'v_missing'", missing.Message);
        Assert.Contains("Subscribe needs a video id", empty.Message);
    }

    [Fact]
    public async Task A_late_subscriber_first_receives_the_current_state_in_the_exact_GET_shape()
    {
        var ready = await fixture.ReadyVideoAsync();
        await using var client = await SignalRTestClient.ConnectAsync(Node.BaseAddress, VideoHub.Path);

        await client.InvokeAsync("Subscribe", ready.Id);
        var first = await client.NextAsync(VideoHub.VideoUpdated);

        var fromHttp = JsonNode.Parse(await Node.Http.GetStringAsync($"/v1/videos/{ready.Id}"));
        Assert.True(JsonNode.DeepEquals(fromHttp, first.Arguments[0]), $"hub: {first.Arguments[0]?.ToJsonString()}\nGET: {fromHttp?.ToJsonString()}");
    }

    [Fact]
    public async Task Updates_arrive_in_order_while_encoding_until_ready()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 8, Width: 640, Height: 360, Gop: 15));
        await using var client = await SignalRTestClient.ConnectAsync(Node.BaseAddress, VideoHub.Path);
        var uploaded = await Node.UploadOkAsync(clip, "Live clip");

        await client.InvokeAsync("Subscribe", uploaded.Id);
        var updates = await LiveUpdates.ReadUntilReadyAsync(client, uploaded.Id);

        var encoding = updates.Where(update => (string)update.Arguments[0]!["status"]! == "encoding").ToList();
        Assert.True(encoding.Count >= 2, $"expected several updates while encoding, got {encoding.Count}");
        Assert.Contains(encoding, update => (bool)update.Arguments[0]!["playable"]!);
        Assert.Contains(encoding, update => (double)update.Arguments[0]!["progress"]! is > 0 and < 1);
        Assert.Equal(1.0, (double)updates[^1].Arguments[0]!["progress"]!);
        var gaps = encoding.Zip(encoding.Skip(1), (a, b) => (b.ReceivedAt - a.ReceivedAt).TotalMilliseconds).DefaultIfEmpty(0);
        output.WriteLine($"{updates.Count} updates, {encoding.Count} while encoding, longest gap while encoding {gaps.Max():0} ms");
    }

    [Fact]
    public async Task A_deleted_video_sends_a_final_notice_and_unsubscribed_clients_get_nothing()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 2, Width: 320, Height: 180));
        var uploaded = await Node.UploadOkAsync(clip, "To delete");
        await using var watcher = await SignalRTestClient.ConnectAsync(Node.BaseAddress, VideoHub.Path);
        await using var leaver = await SignalRTestClient.ConnectAsync(Node.BaseAddress, VideoHub.Path);
        await watcher.InvokeAsync("Subscribe", uploaded.Id);
        await leaver.InvokeAsync("Subscribe", uploaded.Id);
        await leaver.InvokeAsync("Unsubscribe", uploaded.Id);

        using var deleted = await Node.Http.DeleteAsync($"/v1/videos/{uploaded.Id}");
        deleted.EnsureSuccessStatusCode();
        var notice = await watcher.NextAsync(VideoHub.VideoDeleted);

        Assert.Equal(uploaded.Id, (string)notice.Arguments[0]!["id"]!);
        // The leaver's stream holds at most the state pushed before it left, and never the deletion.
        var leaverTargets = new List<string>();
        while (leaver.Messages.TryRead(out var message))
        {
            leaverTargets.Add(message.Target);
        }
        Assert.DoesNotContain(VideoHub.VideoDeleted, leaverTargets);
        var gone = await Assert.ThrowsAsync<HubInvocationException>(() => watcher.InvokeAsync("Subscribe", uploaded.Id));
        Assert.Contains("There is no video", gone.Message);
        using var response = await Node.Http.GetAsync($"/v1/videos/{uploaded.Id}");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }
}
