using System.Net;
using System.Net.Http.Json;
using Streamio.Host.Api;
using Streamio.Testing;

namespace Streamio.Host.Tests;

/// <summary>Webhooks end to end, against a real HTTP receiver on a loopback port that is down, then up.</summary>
[Collection(SecuredNodeCollection.Name)]
public sealed class WebhookTests(SecuredNodeFixture fixture)
{
    private static readonly ClipSpec Tiny = new(DurationSeconds: 2, Width: 320, Height: 180);

    private StreamioNode Node => fixture.Node;

    [Fact]
    public async Task Every_event_arrives_once_and_signed_after_the_receiver_was_down()
    {
        var project = await fixture.NewProjectAsync("webhooks");
        await using var receiver = new WebhookReceiver();
        var webhook = await RegisterAsync(project.Http, receiver);

        var good = await Node.UploadOkAsync(await ClipFactory.GetAsync(Tiny), "good", client: project.Http);
        var bad = await UploadJunkAsync(Node, project.Http);
        Assert.Equal("ready", (await Node.WaitForReadyAsync(good.Id, project.Http)).Status);
        Assert.Equal("failed", (await Node.WaitForReadyAsync(bad.Id, project.Http)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await project.Http.DeleteAsync($"/v1/videos/{good.Id}")).StatusCode);

        // Receiver down: every delivery is recorded, attempted, refused by the network, and scheduled again.
        var expected = new[]
        {
            (good.Id, "video.created"), (good.Id, "video.playable"), (good.Id, "video.ready"), (good.Id, "video.deleted"),
            (bad.Id, "video.created"), (bad.Id, "video.failed"),
        };
        var failing = await EventuallyAsync(project.Http, webhook.Id, items => items.Count == expected.Length && items.All(item => item.Attempts >= 1));
        Assert.All(failing, item =>
        {
            Assert.Equal("retrying", item.Status);
            Assert.Null(item.ResponseCode);
            Assert.False(string.IsNullOrWhiteSpace(item.LastError));
            Assert.NotNull(item.NextAttemptAt);
        });
        Assert.Empty(receiver.Received);

        // Receiver up: the retries get through.
        await receiver.StartAsync();
        var delivered = await EventuallyAsync(project.Http, webhook.Id, items => items.Count == expected.Length && items.All(item => item.Status == "delivered"));
        Assert.All(delivered, item => Assert.Equal(200, item.ResponseCode));
        Assert.Contains(delivered, item => item.Attempts >= 2);

        var received = receiver.ByEventId;
        Assert.Equal(delivered.Select(item => item.EventId).ToHashSet(), received.Keys.ToHashSet());
        Assert.Equal(expected.OrderBy(e => e).ToList(), received.Values.Select(e => (e.VideoId, e.Type)).OrderBy(e => e).ToList());
        Assert.Equal(received.Count, receiver.Received.Count);
        Assert.All(received.Values, item =>
        {
            Assert.True(item.SignatureValid, $"signature of {item.EventId} verifies");
            Assert.Equal(item.EventId, item.HeaderEventId);
        });
        // The body's video has the shape of GET /v1/videos/{id}, as of the event.
        var statusByType = received.Values.Where(e => e.VideoId == good.Id).ToDictionary(e => e.Type, e => e.VideoStatus);
        Assert.Equal("uploaded", statusByType["video.created"]);
        Assert.Equal("encoding", statusByType["video.playable"]);
        Assert.Equal("ready", statusByType["video.ready"]);
        Assert.Equal("failed", received.Values.Single(e => e.Type == "video.failed").VideoStatus);
    }

    [Fact]
    public async Task Events_kept_when_their_node_stopped_are_delivered_after_it_restarts()
    {
        await using var receiver = new WebhookReceiver();
        var dataPath = Directory.CreateTempSubdirectory("streamio-restart-").FullName;
        // A short reminder period: after the restart, nothing but the webhook's reminder wakes its deliveries.
        void Settings(Dictionary<string, string?> settings)
        {
            SecuredNodeFixture.Secure(settings);
            settings["Streamio:Webhooks:ReminderPeriodSeconds"] = "5";
        }
        string first, second;
        IReadOnlyList<DeliveryResponse> kept;
        // The node commits the events while the receiver is down: each is attempted, kept, scheduled again; then the node
        // stops. (Stopped, not disposed: disposing a node deletes its data folder.)
        var node = await StreamioNode.StartAsync(Settings, dataPath);
        using (var admin = node.CreateClient(SecuredNodeFixture.AdminKey))
        {
            var project = await SecuredNodeFixture.NewProjectAsync(node, admin, "restart");
            var webhook = await RegisterAsync(project.Http, receiver);
            first = (await UploadJunkAsync(node, project.Http)).Id;
            second = (await UploadJunkAsync(node, project.Http)).Id;
            Assert.Equal(HttpStatusCode.NoContent, (await project.Http.DeleteAsync($"/v1/videos/{second}")).StatusCode);
            var expected = new[] { (first, "video.created"), (first, "video.failed"), (second, "video.created"), (second, "video.deleted") };
            kept = await EventuallyAsync(project.Http, webhook.Id, items =>
                expected.All(e => items.Any(item => (item.VideoId, item.EventType) == e)) && items.All(item => item.Attempts >= 1));
            Assert.All(kept, item => Assert.Equal("retrying", item.Status));
        }
        await node.StopAsync();
        Assert.Empty(receiver.Received);

        await receiver.StartAsync();
        await using var restarted = await StreamioNode.StartAsync(Settings, dataPath);
        using (var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            while (receiver.ByEventId.Count < kept.Count && !deadline.IsCancellationRequested)
            {
                await Task.Delay(100);
            }
        }
        Assert.Equal(kept.Select(item => item.EventId).Order(), receiver.ByEventId.Keys.Order());
        Assert.All(receiver.ByEventId.Values, item => Assert.True(item.SignatureValid));
        Assert.Contains(receiver.ByEventId.Values, item => (item.VideoId, item.Type) == (first, "video.failed"));
        await node.DisposeAsync();
    }

    [Fact]
    public async Task A_receiver_that_answers_an_error_has_its_status_logged_and_gets_the_event_again()
    {
        var project = await fixture.NewProjectAsync("flaky receiver");
        await using var receiver = new WebhookReceiver { FailuresBeforeSuccess = 2 };
        await receiver.StartAsync();
        var webhook = await RegisterAsync(project.Http, receiver, "video.created");
        var video = await UploadJunkAsync(Node, project.Http);

        var refused = await EventuallyAsync(project.Http, webhook.Id, items => items.Any(item => item.ResponseCode == 503));
        Assert.Contains("503", refused.Single().LastError);
        Assert.Equal("retrying", refused.Single().Status);
        var delivered = (await EventuallyAsync(project.Http, webhook.Id, items => items.Any(item => item.Status == "delivered"))).Single();
        Assert.Equal((3, 200, video.Id, "video.created"), (delivered.Attempts, delivered.ResponseCode, delivered.VideoId, delivered.EventType));
        Assert.Null(delivered.LastError);
        Assert.Equal(delivered.EventId, receiver.ByEventId.Keys.Single());
    }

    [Fact]
    public async Task A_delivery_is_given_up_once_its_retry_window_is_over()
    {
        // A retry window of about a second, so the give-up is reached at once; the receiver never comes up.
        await using var node = await StreamioNode.StartAsync(settings =>
        {
            SecuredNodeFixture.Secure(settings);
            settings["Streamio:Webhooks:RetryForHours"] = (1.0 / 3600).ToString(System.Globalization.CultureInfo.InvariantCulture);
        });
        using var admin = node.CreateClient(SecuredNodeFixture.AdminKey);
        var project = await SecuredNodeFixture.NewProjectAsync(node, admin, "gives up");
        await using var receiver = new WebhookReceiver();
        var webhook = await RegisterAsync(project.Http, receiver, "video.created");
        await UploadJunkAsync(node, project.Http);

        var failed = (await EventuallyAsync(project.Http, webhook.Id, items => items.Any(item => item.Status == "failed"))).Single();
        Assert.True(failed.Attempts >= 1);
        Assert.Null(failed.NextAttemptAt);
        Assert.False(string.IsNullOrWhiteSpace(failed.LastError));
    }

    [Fact]
    public async Task Webhooks_are_scoped_to_their_project_and_deleting_one_removes_its_log()
    {
        var owner = await fixture.NewProjectAsync("hook owner");
        var stranger = await fixture.NewProjectAsync("hook stranger");
        await using var receiver = new WebhookReceiver();
        var webhook = await RegisterAsync(owner.Http, receiver, "video.ready");
        Assert.Equal(["video.ready"], webhook.Events);

        var listed = (await owner.Http.GetFromJsonAsync<WebhookList>("/v1/webhooks"))!.Items.Single();
        Assert.Equal((webhook.Id, receiver.Url), (listed.Id, listed.Url));
        Assert.DoesNotContain(webhook.Secret, await owner.Http.GetStringAsync($"/v1/webhooks/{webhook.Id}"));
        Assert.Empty((await stranger.Http.GetFromJsonAsync<WebhookList>("/v1/webhooks"))!.Items);
        foreach (var path in new[] { "", "/deliveries" })
        {
            await SecuredNodeFixture.ProblemAsync(await stranger.Http.GetAsync($"/v1/webhooks/{webhook.Id}{path}"), HttpStatusCode.NotFound);
        }
        await SecuredNodeFixture.ProblemAsync(await stranger.Http.DeleteAsync($"/v1/webhooks/{webhook.Id}"), HttpStatusCode.NotFound);
        await SecuredNodeFixture.ProblemAsync(await owner.Http.GetAsync($"/v1/webhooks/{webhook.Id}/deliveries?limit=0"), HttpStatusCode.BadRequest);

        Assert.Equal(HttpStatusCode.NoContent, (await owner.Http.DeleteAsync($"/v1/webhooks/{webhook.Id}")).StatusCode);
        await SecuredNodeFixture.ProblemAsync(await owner.Http.GetAsync($"/v1/webhooks/{webhook.Id}/deliveries"), HttpStatusCode.NotFound);
        Assert.Empty((await owner.Http.GetFromJsonAsync<WebhookList>("/v1/webhooks"))!.Items);
    }

    private static async Task<CreatedWebhookResponse> RegisterAsync(HttpClient client, WebhookReceiver receiver, params string[] events)
    {
        using var response = await client.PostAsJsonAsync("/v1/webhooks", new { url = receiver.Url, events });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var webhook = (await response.Content.ReadFromJsonAsync<CreatedWebhookResponse>())!;
        Assert.StartsWith("whsec_", webhook.Secret);
        receiver.Secret = webhook.Secret;
        return webhook;
    }

    private static async Task<VideoResponse> UploadJunkAsync(StreamioNode node, HttpClient client)
    {
        var path = Path.Combine(node.DataPath, $"junk-{Guid.NewGuid():N}.mp4");
        await File.WriteAllTextAsync(path, "this is not a video");
        return await node.UploadOkAsync(path, "junk", client: client);
    }

    /// <summary>Polls the delivery log until <paramref name="done"/> holds (bounded: a hang guard, not a timing assertion).</summary>
    private static async Task<IReadOnlyList<DeliveryResponse>> EventuallyAsync(HttpClient client, string webhookId, Func<IReadOnlyList<DeliveryResponse>, bool> done)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            var items = (await client.GetFromJsonAsync<DeliveryList>($"/v1/webhooks/{webhookId}/deliveries"))!.Items;
            if (done(items) || deadline.IsCancellationRequested)
            {
                Assert.True(done(items), $"the delivery log never got there: {string.Join("; ", items.Select(i => $"{i.EventType} {i.Status} x{i.Attempts} {i.LastError}"))}");
                return items;
            }
            await Task.Delay(100);
        }
    }
}
