using System.Net;
using System.Net.Http.Json;
using Streamio.Host.Api;
using Streamio.Host.Tests.Cluster;

namespace Streamio.Host.Tests;

/// <summary>
/// Cluster mode: an API node (an Orleans client) and a silo node on PostgreSQL. Events are committed by the grains on
/// the silo and delivered from there; a receiver that is down when they happen gets them after the whole cluster has
/// been killed and started again (the pending deliveries live in grain state, their retries in reminders).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class WebhookClusterTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Events_of_a_cluster_reach_a_receiver_that_was_down_across_a_restart_of_every_node()
    {
        await using var rig = await ClusterRig.CreateAsync(fixture);
        // Pending deliveries wake on a 2 s reminder after the restart (the default is a minute).
        static void Settings(Dictionary<string, string?> settings)
        {
            SecuredNodeFixture.Secure(settings);
            settings["Streamio:Webhooks:ReminderPeriodSeconds"] = "2";
        }
        var silo = await rig.StartAsync("silo", Settings);
        var api = await rig.StartAsync("api", Settings);
        // Not started yet: deliveries to it are refused.
        await using var receiver = new WebhookReceiver();

        var key = await NewProjectKeyAsync(api);
        using var project = Client(api, key);
        using var registered = await project.PostAsJsonAsync("/v1/webhooks", new { url = receiver.Url });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var webhook = (await registered.Content.ReadFromJsonAsync<CreatedWebhookResponse>())!;
        receiver.Secret = webhook.Secret;

        using var junk = new MultipartFormDataContent { { new StringContent("this is not a video"), "file", "junk.mp4" } };
        using var uploaded = await project.PostAsync("/v1/videos", junk);
        Assert.True(uploaded.IsSuccessStatusCode, await uploaded.Content.ReadAsStringAsync());
        var videoId = (await uploaded.Content.ReadFromJsonAsync<VideoResponse>())!.Id;
        Assert.Equal("failed", (await ClusterRig.WaitForAsync(async () => (await project.GetFromJsonAsync<VideoResponse>($"/v1/videos/{videoId}"))!,
            video => video.Status is "failed" or "ready", $"video {videoId} to fail", () => silo.RecentOutput)).Status);

        // Both events were tried and refused (the log is read through the API node).
        var refused = await DeliveriesAsync(project, webhook.Id, items => items.Count == 2 && items.All(item => item.Attempts > 0));
        Assert.DoesNotContain(refused, item => item.Status == "delivered");

        // The whole cluster goes down hard, the receiver comes up, and the cluster starts again on the same database.
        await api.KillAsync();
        await silo.KillAsync();
        await receiver.StartAsync();
        var silo2 = await rig.RestartAsync(silo);
        var api2 = await rig.RestartAsync(api);
        using var project2 = Client(api2, key);

        using (var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            while (receiver.ByEventId.Count < 2 && !deadline.IsCancellationRequested)
            {
                await Task.Delay(100);
            }
        }
        var received = receiver.ByEventId.Values.OrderBy(e => e.Type).ToList();
        Assert.True(received.Count == 2, $"received {received.Count} events\n{silo2.RecentOutput}");
        Assert.Equal([(videoId, "video.created"), (videoId, "video.failed")], received.Select(e => (e.VideoId, e.Type)));
        Assert.All(received, item => Assert.True(item.SignatureValid));
        Assert.Equal(refused.Select(item => item.EventId).Order(), received.Select(item => item.EventId).Order());
        // The log, read through the restarted API node, records both as delivered.
        var delivered = await DeliveriesAsync(project2, webhook.Id, items => items.Count(item => item.Status == "delivered") == 2);
        Assert.Equal(received.Select(e => e.EventId).Order(), delivered.Select(item => item.EventId).Order());
    }

    /// <summary>A new project, through the admin API, and a key of it.</summary>
    private static async Task<string> NewProjectKeyAsync(StreamioProcess api)
    {
        using var created = await api.Admin.PostAsJsonAsync("/v1/projects", new { name = "cluster" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var project = (await created.Content.ReadFromJsonAsync<ProjectResponse>())!;
        return (await SecuredNodeFixture.CreateKeyAsync(api.Admin, project.Id)).Key;
    }

    private static HttpClient Client(StreamioProcess api, string key)
    {
        var client = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Add("x-api-key", key);
        return client;
    }

    private static async Task<IReadOnlyList<DeliveryResponse>> DeliveriesAsync(HttpClient project, string webhookId, Func<IReadOnlyList<DeliveryResponse>, bool> done) =>
        await ClusterRig.WaitForAsync(async () =>
        {
            try
            {
                return (await project.GetFromJsonAsync<DeliveryList>($"/v1/webhooks/{webhookId}/deliveries"))!.Items;
            }
            catch (HttpRequestException)
            {
                return [];
            }
        }, done, $"the deliveries of webhook {webhookId}", seconds: 120);
}
