using System.Net;
using System.Net.Http.Json;
using Streamio.Host.Api;
using Streamio.Testing;

namespace Streamio.Host.Tests;

/// <summary>Cluster mode: an API-only node and a silo-only node on one PostgreSQL database; the silo delivers the webhooks.</summary>
public sealed class WebhookClusterTests : IClassFixture<PostgresServer>
{
    private readonly PostgresServer _postgres;

    public WebhookClusterTests(PostgresServer postgres) => _postgres = postgres;

    [Fact]
    public async Task Events_committed_on_an_api_node_are_delivered_by_a_silo_on_another_node()
    {
        var database = await _postgres.CreateDatabaseAsync();
        var objects = Directory.CreateTempSubdirectory("streamio-cluster-objects-").FullName;
        void Cluster(Dictionary<string, string?> settings, string roles)
        {
            SecuredNodeFixture.Secure(settings);
            settings["Streamio:Roles"] = roles;
            settings["Streamio:Backbone:Kind"] = "Postgres";
            settings["Streamio:Backbone:ConnectionString"] = database;
            settings["Streamio:Storage:LocalPath"] = objects;
        }
        await using var api = await StreamioNode.StartAsync(settings => Cluster(settings, "api"));
        await using var silo = await StreamioNode.StartAsync(settings => Cluster(settings, "silo"));
        await using var receiver = new WebhookReceiver();
        await receiver.StartAsync();
        try
        {
            using var admin = api.CreateClient(SecuredNodeFixture.AdminKey);
            var project = await SecuredNodeFixture.NewProjectAsync(api, admin, "cluster");
            using var registered = await project.Http.PostAsJsonAsync("/v1/webhooks", new { url = receiver.Url });
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
            var webhook = (await registered.Content.ReadFromJsonAsync<CreatedWebhookResponse>())!;
            receiver.Secret = webhook.Secret;

            var path = Path.Combine(api.DataPath, "junk.mp4");
            await File.WriteAllTextAsync(path, "this is not a video");
            var video = await api.UploadOkAsync(path, client: project.Http);

            using (var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
            {
                while (receiver.ByEventId.Count < 2 && !deadline.IsCancellationRequested)
                {
                    await Task.Delay(100);
                }
            }
            var received = receiver.ByEventId.Values.OrderBy(e => e.Type).ToList();
            Assert.Equal([(video.Id, "video.created"), (video.Id, "video.failed")], received.Select(e => (e.VideoId, e.Type)));
            Assert.All(received, item => Assert.True(item.SignatureValid));
            // The log (read through the API node) records both, delivered (the silo commits that just after the POST).
            IReadOnlyList<DeliveryResponse> log = [];
            using (var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
            {
                while (!deadline.IsCancellationRequested
                       && (log = (await project.Http.GetFromJsonAsync<DeliveryList>($"/v1/webhooks/{webhook.Id}/deliveries"))!.Items).Count(item => item.Status == "delivered") < 2)
                {
                    await Task.Delay(100);
                }
            }
            Assert.Equal(received.Select(e => e.EventId).Order(), log.Where(item => item.Status == "delivered").Select(item => item.EventId).Order());
        }
        finally
        {
            await api.StopAsync();
            await silo.StopAsync();
            await _postgres.DropDatabaseAsync(database);
            Directory.Delete(objects, recursive: true);
        }
    }
}
