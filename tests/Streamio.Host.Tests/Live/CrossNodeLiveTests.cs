using Streamio.Host.Live;
using Streamio.Host.Tests.Cluster;
using Streamio.Testing;
using Xunit.Abstractions;

namespace Streamio.Host.Tests.Live;

/// <summary>
/// Two host processes in one Orleans cluster (PostgreSQL) with shared storage: A runs the API and the silo, B only the
/// API (an Orleans client of A). A watcher on B sees the work done on A: the video grain on A notifies B's grain
/// observer, and B's hub tells its SignalR watchers.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CrossNodeLiveTests(ClusterFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task A_watcher_on_one_API_node_follows_a_video_encoded_on_another_node()
    {
        await using var rig = await ClusterRig.CreateAsync(fixture);
        var nodeA = await rig.StartAsync("api,silo");
        var nodeB = await rig.StartAsync("api");
        await using var watcher = await HubWatcher.ConnectAsync(nodeB.BaseAddress);
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 8, Width: 640, Height: 360, Gop: 15));

        var id = await ClusterRig.UploadAsync(nodeA, clip);
        await watcher.SubscribeAsync(id);
        var updates = await LiveUpdates.ReadUntilReadyAsync(watcher, id);

        Assert.Contains(updates, update => (string)update.Body["status"]! == "encoding" && (double)update.Body["progress"]! is > 0 and < 1);
        // B no longer follows a ready video, so only A's deletion, observed through Orleans, can tell B's watcher.
        using var deleted = await nodeA.Http.DeleteAsync($"/v1/videos/{id}");
        deleted.EnsureSuccessStatusCode();
        var notice = await watcher.NextAsync(VideoHub.VideoDeleted, TimeSpan.FromSeconds(60));
        Assert.Equal(id, (string)notice.Body["id"]!);
        output.WriteLine($"{updates.Count} updates on node B; deletion on A reached B's watcher");
    }
}
