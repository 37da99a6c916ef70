using System.Net;
using System.Net.Http.Json;
using Streamio.Host.Api;
using Streamio.Host.Tests.Cluster;
using Streamio.Testing;
using static Streamio.Host.Tests.Tus.TusRequests;

namespace Streamio.Host.Tests;

/// <summary>Two API nodes of one Orleans cluster and one storage: a tus upload does not care which node a request reaches.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TusClusterTests(ClusterFixture fixture)
{
    [Fact]
    public async Task An_upload_moves_between_API_nodes_chunk_by_chunk_and_becomes_a_video()
    {
        await using var rig = await ClusterRig.CreateAsync(fixture);
        var worker = await rig.StartAsync("api,silo");
        var apiOnly = await rig.StartAsync("api");
        var clip = await File.ReadAllBytesAsync(await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 1, Width: 320, Height: 180, WithAudio: false)));
        var third = clip.Length / 3;

        var url = await CreateAsync(worker.Http, clip.Length, Metadata(("filename", "cluster.mp4")));
        using (var first = await SendPatchAsync(worker.Http, url, 0, clip[..third]))
        {
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
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
        Assert.Equal(HttpStatusCode.NoContent, last.StatusCode);
        var videoId = Header(last, "Streamio-Video-Id");

        var seenByOther = (await apiOnly.Http.GetFromJsonAsync<TusUploadResponse>(url))!;
        Assert.Equal((videoId, (long)clip.Length), (seenByOther.VideoId, seenByOther.Offset));
        var video = await ClusterRig.WaitForFinishedAsync(apiOnly, videoId, () => worker.RecentOutput);
        Assert.Equal(("ready", "cluster.mp4"), (video.Status, video.Title));
    }
}
