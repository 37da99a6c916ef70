using Streamio.Grains.Projects;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Streamio.Host.Uploads.Tus;
using Streamio.Storage;
using Streamio.Testing;
using static Streamio.Host.Tests.Tus.TusRequests;

namespace Streamio.Host.Tests;

/// <summary>What happens to a tus upload over time: it expires and is swept, and it survives a restart of its node.</summary>
public sealed class TusLifecycleTests
{
    [Fact]
    public async Task An_expired_upload_answers_410_until_the_sweeper_removes_it_and_its_parts()
    {
        // Expiry is short; the sweeper's own timer is long, so the test runs the pass itself and sees both answers.
        await using var node = await StreamioNode.StartAsync(settings =>
        {
            settings["Streamio:Tus:ExpirationSeconds"] = "1";
            settings["Streamio:Tus:SweepIntervalSeconds"] = "3600";
        });
        var url = await CreateAsync(node.Http, 1000);
        using (var patch = await SendPatchAsync(node.Http, url, 0, new byte[300]))
        {
            var expires = DateTimeOffset.Parse(Header(patch, "Upload-Expires"), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(expires, DateTimeOffset.UtcNow.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));
        }
        var uploadId = url.Split('/')[^1];
        var storage = node.Services.GetRequiredService<IObjectStorage>();
        Assert.True(await HasPartsAsync(storage, uploadId));

        var status = HttpStatusCode.OK;
        for (var i = 0; i < 100 && status == HttpStatusCode.OK; i++)
        {
            await Task.Delay(100);
            using var head = await HeadAsync(node.Http, url);
            status = head.StatusCode;
        }
        Assert.Equal(HttpStatusCode.Gone, status);
        using (var patch = await SendPatchAsync(node.Http, url, 300, new byte[10]))
        {
            await TusTests.AssertProblemAsync(patch, HttpStatusCode.Gone, "new upload");
        }

        Assert.Equal(1, await node.Services.GetRequiredService<TusSweeper>().SweepAsync(CancellationToken.None));
        using (var head = await HeadAsync(node.Http, url))
        {
            Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        }
        Assert.False(await HasPartsAsync(storage, uploadId));
        Assert.Equal(0, await node.Services.GetRequiredService<TusSweeper>().SweepAsync(CancellationToken.None));
    }

    [Fact]
    public async Task An_upload_resumes_after_its_node_restarts_and_becomes_a_video()
    {
        var clip = await File.ReadAllBytesAsync(await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 1, Width: 320, Height: 180, WithAudio: false)));
        var half = clip.Length / 2;
        var first = await StreamioNode.StartAsync();
        var url = await CreateAsync(first.Http, clip.Length, Metadata(("title", "Survivor")));
        using (var patch = await SendPatchAsync(first.Http, url, 0, clip[..half]))
        {
            Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
        }
        await first.StopAsync();

        await using var second = await StreamioNode.StartAsync(dataPath: first.DataPath);
        Assert.Equal(half, await OffsetAsync(second.Http, url));
        using var rest = await SendPatchAsync(second.Http, url, half, clip[half..]);
        Assert.Equal(HttpStatusCode.NoContent, rest.StatusCode);
        var video = await second.WaitForReadyAsync(Header(rest, "Streamio-Video-Id"));
        Assert.Equal(("ready", "Survivor", 320), (video.Status, video.Title, video.Width));
    }

    private static async Task<bool> HasPartsAsync(IObjectStorage storage, string uploadId)
    {
        await foreach (var _ in storage.ListAsync(StorageKeys.TusUploadPrefix(ProjectIds.Default, uploadId), CancellationToken.None))
        {
            return true;
        }
        return false;
    }
}
