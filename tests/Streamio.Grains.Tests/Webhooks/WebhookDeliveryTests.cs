using Orleans.TestingHost;
using Streamio.Abstractions.Live;
using Streamio.Abstractions.Projects;
using Streamio.Abstractions.Videos;
using Streamio.Grains.Projects;
using Streamio.Grains.Tests.Projects;

namespace Streamio.Grains.Tests.Webhooks;

/// <summary>Webhook deliveries on two real silos, to real HTTP receivers on loopback ports that are down, then up.</summary>
[Collection(ProjectsClusterCollection.Name)]
public sealed class WebhookDeliveryTests(ProjectsClusterFixture fixture)
{
    private TestCluster Cluster => fixture.Cluster;

    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task Every_event_arrives_once_and_signed_after_the_receiver_was_down()
    {
        var (projectId, project) = await NewProjectAsync();
        await using var everything = new WebhookReceiver();
        await using var readyOnly = new WebhookReceiver();
        var all = await RegisterAsync(project, everything, [.. VideoEventTypes.All]);
        var ready = await RegisterAsync(project, readyOnly, [VideoEventTypes.Ready]);
        var events = new[]
        {
            Event(projectId, "v1", VideoEventTypes.Created, VideoStatus.Uploaded),
            Event(projectId, "v1", VideoEventTypes.Playable, VideoStatus.Encoding),
            Event(projectId, "v1", VideoEventTypes.Ready, VideoStatus.Ready),
            Event(projectId, "v2", VideoEventTypes.Created, VideoStatus.Uploaded),
            Event(projectId, "v2", VideoEventTypes.Failed, VideoStatus.Failed),
        };
        foreach (var videoEvent in events)
        {
            await Grains.GetGrain<IProjectEvents>(projectId).PublishAsync(videoEvent);
        }

        // Receivers down: every delivery is kept, attempted, refused by the network, and scheduled again.
        var failing = await EventuallyAsync(all, items => items.Count == events.Length && items.All(item => item.Attempts >= 1));
        Assert.All(failing, item =>
        {
            Assert.Equal(DeliveryStatus.Retrying, item.Status);
            Assert.Null(item.ResponseCode);
            Assert.False(string.IsNullOrWhiteSpace(item.LastError));
            Assert.NotNull(item.NextAttemptAt);
        });
        Assert.Equal(events.Select(e => e.EventId).Reverse(), failing.Select(item => item.EventId)); // newest first
        Assert.Empty(everything.Received);

        // Receivers up: the retries get through, each event once.
        await everything.StartAsync();
        await readyOnly.StartAsync();
        var delivered = await EventuallyAsync(all, items => items.All(item => item.Status == DeliveryStatus.Delivered));
        Assert.All(delivered, item => Assert.Equal(200, item.ResponseCode));
        Assert.Contains(delivered, item => item.Attempts >= 2);
        var readyDelivered = Assert.Single(await EventuallyAsync(ready, items => items.Count == 1 && items[0].Status == DeliveryStatus.Delivered));
        Assert.Equal(events[2].EventId, readyDelivered.EventId);

        Assert.Equal(events.Select(e => (e.EventId, e.Type, e.Video.Id)).Order(), everything.Received.Select(e => (e.EventId, e.Type, e.VideoId)).Order());
        Assert.Equal([events[2].EventId], readyOnly.Received.Select(e => e.EventId));
        Assert.All(everything.Received.Concat(readyOnly.Received), item =>
        {
            Assert.True(item.SignatureValid, $"signature of {item.EventId} verifies");
            Assert.Equal((item.EventId, item.Type), (item.HeaderEventId, item.HeaderEventType));
        });
        // The body's video has the shape of GET /v1/videos/{id}, as of the event.
        Assert.Equal(events.Select(e => VideoResponseStatus(e.Video.Status)), events.Select(e => everything.ByEventId[e.EventId].VideoStatus));
    }

    [Fact]
    public async Task Live_events_reach_the_webhooks_subscribed_to_them_with_the_live_stream_but_never_its_key()
    {
        var (projectId, project) = await NewProjectAsync();
        await using var receiver = new WebhookReceiver();
        await receiver.StartAsync();
        var webhook = await RegisterAsync(project, receiver, [LiveEventTypes.Ended, LiveEventTypes.RecordingReady]);
        var now = DateTimeOffset.UtcNow;
        var session = new LiveSessionView("lss_1", now.AddMinutes(-5), now, 2, null, "srt", [new RenditionPlan("360p", 640, 360, 800, false)], 1, 0.9, "v_rec", "the publisher did not come back");
        var stream = new LiveStreamView("ls_1", projectId, "Show", "live_secretkeyvalue", LiveStatus.Ended, 1800, true, now.AddHours(-1), session, ["v_rec"]);
        var events = Grains.GetGrain<IProjectEvents>(projectId);

        await events.PublishLiveAsync(new LiveStreamEvent(VideoEvent.NewId(), LiveEventTypes.Connected, now, stream with { Status = LiveStatus.Connected }));
        var ended = new LiveStreamEvent(VideoEvent.NewId(), LiveEventTypes.Ended, now, stream);
        await events.PublishLiveAsync(ended);

        var delivered = Assert.Single(await EventuallyAsync(webhook, items => items.Count == 1 && items[0].Status == DeliveryStatus.Delivered));
        Assert.Equal(ended.EventId, delivered.EventId);
        var received = Assert.Single(receiver.Received);
        Assert.True(received.SignatureValid);
        Assert.Equal((LiveEventTypes.Ended, "ls_1", "ended"), (received.Type, received.VideoId, received.VideoStatus));
        Assert.Contains("\"recordingVideoId\":\"v_rec\"", received.Body, StringComparison.Ordinal);
        Assert.Contains("\"streamKey\":null", received.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("live_secretkeyvalue", received.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_handed_over_again_is_delivered_once()
    {
        var (projectId, project) = await NewProjectAsync();
        await using var receiver = new WebhookReceiver();
        await receiver.StartAsync();
        var webhook = await RegisterAsync(project, receiver, [VideoEventTypes.Ready]);
        var ready = Event(projectId, "v1", VideoEventTypes.Ready, VideoStatus.Ready);
        var events = Grains.GetGrain<IProjectEvents>(projectId);

        await Task.WhenAll(events.PublishAsync(ready), events.PublishAsync(ready), events.PublishAsync(ready));
        var delivered = Assert.Single(await EventuallyAsync(webhook, items => items.Count == 1 && items[0].Status == DeliveryStatus.Delivered));
        // A repeat after the delivery (a video retrying its hand-over after a crash) finds the event known.
        await events.PublishAsync(ready);
        await events.PublishAsync(Event(projectId, "v1", VideoEventTypes.Created, VideoStatus.Uploaded)); // not subscribed

        Assert.Equal((ready.EventId, 1), (delivered.EventId, delivered.Attempts));
        Assert.Equal(delivered, Assert.Single(await webhook.ListAsync(10)));
        Assert.Equal([ready.EventId], receiver.Received.Select(e => e.EventId));
    }

    [Fact]
    public async Task A_delivery_survives_the_death_of_the_silo_that_held_it()
    {
        var (projectId, project) = await NewProjectAsync();
        await using var receiver = new WebhookReceiver();
        var webhook = await RegisterAsync(project, receiver, [VideoEventTypes.Ready]);
        var secondary = Cluster.SecondarySilos[0];
        try
        {
            // The webhook's deliveries live on the secondary silo (the primary holds the test cluster's membership).
            await webhook.ListAsync(1);
            if (HostOf(webhook) != secondary.SiloAddress)
            {
                await Cluster.MigrateAsync(webhook, secondary.SiloAddress);
                await webhook.ListAsync(1);
            }
            Assert.Equal(secondary.SiloAddress, HostOf(webhook));
            var ready = Event(projectId, "v1", VideoEventTypes.Ready, VideoStatus.Ready);
            await Grains.GetGrain<IProjectEvents>(projectId).PublishAsync(ready);
            await EventuallyAsync(webhook, items => items.Count == 1 && items[0].Attempts >= 1);
            Assert.Equal(secondary.SiloAddress, HostOf(webhook));

            await Cluster.KillSiloAsync(secondary);
            await receiver.StartAsync();

            // Nobody calls the webhook's grain: its reminder brings it back on the surviving silo, which delivers.
            using (var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
            {
                while (receiver.Received.IsEmpty && !deadline.IsCancellationRequested)
                {
                    await Task.Delay(100);
                }
            }
            Assert.Equal([ready.EventId], receiver.Received.Select(e => e.EventId));
            var delivered = Assert.Single(await EventuallyAsync(webhook, items => items[0].Status == DeliveryStatus.Delivered));
            Assert.True(delivered.Attempts >= 2);
            Assert.NotEqual(secondary.SiloAddress, HostOf(webhook));
        }
        finally
        {
            if (Cluster.SecondarySilos.Count == 0)
            {
                await Cluster.StartAdditionalSiloAsync();
            }
        }
    }

    [Fact]
    public async Task Removing_a_webhook_stops_its_pending_deliveries_and_its_reminder()
    {
        var (projectId, project) = await NewProjectAsync();
        await using var receiver = new WebhookReceiver();
        var webhook = await RegisterAsync(project, receiver, [VideoEventTypes.Created]);
        await Grains.GetGrain<IProjectEvents>(projectId).PublishAsync(Event(projectId, "v1", VideoEventTypes.Created, VideoStatus.Uploaded));
        await EventuallyAsync(webhook, items => items.Count == 1 && items[0].Attempts >= 1);
        Assert.NotEmpty(await fixture.RemindersOfAsync(webhook));
        Assert.NotNull(await fixture.StoredStateAsync("webhook-deliveries", "webhook-deliveries", webhook.GetPrimaryKeyString()));

        Assert.True(await project.RemoveWebhookAsync(webhook.GetPrimaryKeyString()));

        Assert.Empty(await webhook.ListAsync(10));
        Assert.Empty(await fixture.RemindersOfAsync(webhook));
        Assert.Null(await fixture.StoredStateAsync("webhook-deliveries", "webhook-deliveries", webhook.GetPrimaryKeyString()));
        Assert.Empty((await project.GetAsync())!.Webhooks);
    }

    private async Task<(string Id, IProjectGrain Grain)> NewProjectAsync()
    {
        var id = ProjectIds.New();
        var project = Grains.GetGrain<IProjectGrain>(id);
        await project.CreateAsync("webhooks");
        return (id, project);
    }

    private async Task<IWebhookDeliveryGrain> RegisterAsync(IProjectGrain project, WebhookReceiver receiver, string[] events)
    {
        var created = (await project.AddWebhookAsync(receiver.Url, events))!;
        receiver.Secret = created.Secret;
        return Grains.GetGrain<IWebhookDeliveryGrain>(created.Webhook.Id);
    }

    private SiloAddress? HostOf(IAddressable grain) =>
        Cluster.TryGetGrainContext(grain.GetGrainId(), out var context) ? context.Address.SiloAddress : null;

    private static VideoEvent Event(string projectId, string videoId, string type, VideoStatus status)
    {
        var now = DateTimeOffset.UtcNow;
        var video = new VideoView(
            Id: videoId, ProjectId: projectId, Title: "Title", Status: status, Error: status == VideoStatus.Failed ? "not a video" : null,
            Source: null, SegmentSeconds: 4, Renditions: [], Playable: status is VideoStatus.Encoding or VideoStatus.Ready, HasPoster: false,
            Storyboard: null, SourceKey: "source", SourceIsExternal: false, SourceDeleted: false, CreatedAt: now, UpdatedAt: now);
        return new VideoEvent(VideoEvent.NewId(), type, now, video);
    }

    private static string VideoResponseStatus(VideoStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>Polls the delivery log until <paramref name="done"/> holds (bounded: a hang guard, not a timing assertion).</summary>
    private static async Task<IReadOnlyList<WebhookDeliveryView>> EventuallyAsync(IWebhookDeliveryGrain webhook, Func<IReadOnlyList<WebhookDeliveryView>, bool> done)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            var items = await webhook.ListAsync(100);
            if ((items.Count > 0 && done(items)) || deadline.IsCancellationRequested)
            {
                Assert.True(items.Count > 0 && done(items), $"the delivery log never got there: {string.Join("; ", items.Select(i => $"{i.EventType} {i.Status} x{i.Attempts} {i.LastError}"))}");
                return items;
            }
            await Task.Delay(100);
        }
    }
}
