using System.Net.Http.Json;
using Streamio.Host.Api;
using Streamio.Host.Live;
using Streamio.Testing;
using Xunit.Abstractions;

namespace Streamio.Host.Tests.Live;

/// <summary>
/// Two host processes on one PostgreSQL backbone and shared storage: A runs the API and the silo, B only the API. A
/// watcher on B sees the work done on A, and events raised on A (LISTEN/NOTIFY) reach B's SignalR watchers.
/// </summary>
public sealed class CrossNodeLiveTests(PostgresServer postgres, ITestOutputHelper output) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task A_watcher_on_one_API_node_follows_a_video_encoded_on_another_node()
    {
        using var shared = new TempDirectory();
        var database = await postgres.CreateDatabaseAsync();
        Dictionary<string, string?> Settings(string roles)
        {
            var settings = StreamioNode.DefaultSettings(shared.Path);
            settings["Streamio:Roles"] = roles;
            settings["Streamio:Backbone:Kind"] = "Postgres";
            settings["Streamio:Backbone:ConnectionString"] = database;
            settings["Streamio:Playback:TokenSecret"] = "cross-node-test-secret-of-at-least-32-characters";
            return settings;
        }
        await using var nodeA = await StreamioProcess.StartAsync(Settings("api,silo"));
        await using var nodeB = await StreamioProcess.StartAsync(Settings("api"));
        await using var watcher = await SignalRTestClient.ConnectAsync(nodeB.BaseAddress, VideoHub.Path);
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 8, Width: 640, Height: 360, Gop: 15));

        using var form = new MultipartFormDataContent { { new StreamContent(File.OpenRead(clip)), "file", "clip.mp4" } };
        using var upload = await nodeA.Http.PostAsync("/v1/videos", form);
        upload.EnsureSuccessStatusCode();
        var id = (await upload.Content.ReadFromJsonAsync<VideoResponse>())!.Id;
        await watcher.InvokeAsync("Subscribe", id);
        var updates = await LiveUpdates.ReadUntilReadyAsync(watcher, id);

        Assert.Contains(updates, update => (string)update.Arguments[0]!["status"]! == "encoding" && (double)update.Arguments[0]!["progress"]! is > 0 and < 1);
        // B no longer polls a ready video, so only A's deletion event, relayed through PostgreSQL, can tell B's watcher.
        using var deleted = await nodeA.Http.DeleteAsync($"/v1/videos/{id}");
        deleted.EnsureSuccessStatusCode();
        var notice = await watcher.NextAsync(VideoHub.VideoDeleted, TimeSpan.FromSeconds(60));
        Assert.Equal(id, (string)notice.Arguments[0]!["id"]!);
        output.WriteLine($"{updates.Count} updates on node B; deletion on A reached B's watcher");
    }
}
