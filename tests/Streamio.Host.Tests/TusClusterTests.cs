using System.Net;
using System.Net.Http.Json;
using Streamio.Host.Api;
using Streamio.Testing;
using static Streamio.Host.Tests.Tus.TusRequests;

namespace Streamio.Host.Tests;

/// <summary>Two API nodes on one PostgreSQL backbone and one storage: a tus upload does not care which node a request reaches.</summary>
public sealed class TusClusterTests : IAsyncLifetime
{
    private readonly PostgresServer _postgres = new();

    public Task InitializeAsync() => _postgres.InitializeAsync();

    public Task DisposeAsync() => _postgres.DisposeAsync();

    [Fact]
    public async Task An_upload_moves_between_API_nodes_chunk_by_chunk_and_becomes_a_video()
    {
        var database = await _postgres.CreateDatabaseAsync();
        using var shared = new TempDirectory("tus-cluster");
        void Cluster(Dictionary<string, string?> settings)
        {
            settings["Streamio:Backbone:Kind"] = "Postgres";
            settings["Streamio:Backbone:ConnectionString"] = database;
            settings["Streamio:Storage:LocalPath"] = shared.Combine("objects");
        }
        try
        {
            await using var worker = await StreamioNode.StartAsync(Cluster);
            await using var apiOnly = await StreamioNode.StartAsync(settings =>
            {
                Cluster(settings);
                settings["Streamio:Roles"] = "api";
            });
            var clip = await File.ReadAllBytesAsync(await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 1, Width: 320, Height: 180, WithAudio: false)));
            var third = clip.Length / 3;

            var url = await CreateAsync(worker.Http, clip.Length, Metadata(("filename", "cluster.mp4")));
            using (await SendPatchAsync(worker.Http, url, 0, clip[..third]))
            {
            }
            Assert.Equal(third, await OffsetAsync(apiOnly.Http, url));
            using (var middle = await SendPatchAsync(apiOnly.Http, url, third, clip[third..(2 * third)]))
            {
                Assert.Equal(HttpStatusCode.NoContent, middle.StatusCode);
            }
            using (var stale = await SendPatchAsync(worker.Http, url, third, clip[third..(2 * third)]))
            {
                Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
            }
            using var last = await SendPatchAsync(worker.Http, url, 2 * third, clip[(2 * third)..]);
            var videoId = Header(last, "Streamio-Video-Id");

            var seenByOther = (await apiOnly.Http.GetFromJsonAsync<TusUploadResponse>(url))!;
            Assert.Equal((videoId, (long)clip.Length), (seenByOther.VideoId, seenByOther.Offset));
            var video = await worker.WaitForReadyAsync(videoId);
            Assert.Equal(("ready", "cluster.mp4"), (video.Status, video.Title));
        }
        finally
        {
            await _postgres.DropDatabaseAsync(database);
        }
    }
}
