using Streamio.Grains.Projects;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Streamio.Host.Api;
using Streamio.Storage;
using Streamio.Testing;

namespace Streamio.Host.Tests;

/// <summary>The whole pipeline on S3: uploads straight to the bucket, encoding reading the source in place, playback through redirects.</summary>
[Collection(S3NodeCollection.Name)]
public sealed class S3PipelineTests(S3NodeFixture fixture)
{
    private static readonly ClipSpec Clip = new(DurationSeconds: 3, Width: 640, Height: 360, Gop: 15);
    private static readonly ClipSpec SmallClip = new(DurationSeconds: 2, Width: 320, Height: 180, WithAudio: false);

    private StreamioNode Node => fixture.Node;

    private IObjectStorage Storage => Node.Services.GetRequiredService<IObjectStorage>();

    [Fact]
    public async Task A_file_put_to_a_presigned_S3_url_becomes_ready_and_plays_through_redirected_segments()
    {
        var clip = await ClipFactory.GetAsync(Clip);
        // The bucket did not exist before the node started: ready means the start-up created it.
        using (var ready = await Node.Http.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }
        var upload = await Node.CreateAsync(new { title = "Straight to S3", contentType = "video/mp4" });
        Assert.StartsWith($"{fixture.S3.ServiceUrl.AbsoluteUri}{fixture.Bucket}/{S3NodeFixture.KeyPrefix}{upload.Key}?", upload.Url);
        Assert.Contains("X-Amz-Signature=", upload.Url);

        using (var put = await UploadClient.PutFileAsync(upload, clip))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }
        using (var completed = await Node.CompleteAsync(upload.UploadId))
        {
            Assert.Equal(HttpStatusCode.Created, completed.StatusCode);
        }
        var video = await Node.WaitForReadyAsync(upload.VideoId);
        Assert.Equal(("ready", "Straight to S3"), (video.Status, video.Title));
        Assert.Equal(["240p", "360p", "audio"], video.Renditions.Select(rendition => rendition.Name));
        Assert.False(await Storage.ExistsAsync(upload.Key, CancellationToken.None), "the uploaded source is deleted once the video is ready");
        Assert.Contains(StorageKeys.Segment(ProjectIds.Default, video.Id, "360p", 0), await ListAsync(StorageKeys.VideoPrefix(ProjectIds.Default, video.Id)));
        var poster = await Node.Http.GetAsync(video.ThumbnailUrl);
        Assert.Equal([0xFF, 0xD8], (await poster.Content.ReadAsByteArrayAsync())[..2]);

        var url = await Node.PlaybackUrlAsync(video.Id);
        using (var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }))
        {
            var segment = await noRedirects.GetAsync(url.Replace("master.m3u8", "360p/0.ts", StringComparison.Ordinal));
            Assert.Equal(HttpStatusCode.Redirect, segment.StatusCode);
            Assert.StartsWith($"{fixture.S3.ServiceUrl.AbsoluteUri}{fixture.Bucket}/{S3NodeFixture.KeyPrefix}{StorageKeys.Segment(ProjectIds.Default, video.Id, "360p", 0)}?", segment.Headers.Location!.AbsoluteUri);
            Assert.Equal("no-store", segment.Headers.CacheControl?.ToString());
            var key = await noRedirects.GetAsync(url.Replace("/play/", "/keys/", StringComparison.Ordinal).Replace("/master.m3u8", "/360p", StringComparison.Ordinal));
            Assert.Equal(HttpStatusCode.OK, key.StatusCode);
            var tampered = await noRedirects.GetAsync($"{Node.BaseAddress}play/{video.Id}/360p/0.ts?token=forged.token");
            Assert.Equal(HttpStatusCode.Forbidden, tampered.StatusCode);
        }
        for (var rendition = 0; rendition < 2; rendition++)
        {
            Assert.InRange(await MediaInspector.CountFramesAsync(url, $"v:{rendition}"), Clip.FrameCount - 1, Clip.FrameCount + 1);
        }
        Assert.InRange(await MediaInspector.DurationAsync(url), Clip.DurationSeconds - 0.2, Clip.DurationSeconds + 0.2);
    }

    [Fact]
    public async Task A_multipart_upload_is_streamed_to_S3_and_encoded_from_there()
    {
        var video = await Node.UploadOkAsync(await ClipFactory.GetAsync(SmallClip), "Multipart on S3");
        var ready = await Node.WaitForReadyAsync(video.Id);

        Assert.Equal("ready", ready.Status);
        Assert.Contains(StorageKeys.Poster(ProjectIds.Default, video.Id), await ListAsync(StorageKeys.VideoPrefix(ProjectIds.Default, video.Id)));
        var url = await Node.PlaybackUrlAsync(video.Id);
        Assert.InRange(await MediaInspector.CountFramesAsync(url, "v:0"), SmallClip.FrameCount - 1, SmallClip.FrameCount + 1);
        // Readiness still holds with a bucket full of segments (it asks for the bucket, not a listing of it).
        using (var readiness = await Node.Http.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, readiness.StatusCode);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await Node.Http.DeleteAsync($"/v1/videos/{video.Id}")).StatusCode);
        Assert.Empty(await ListAsync(StorageKeys.VideoPrefix(ProjectIds.Default, video.Id)));
    }

    private async Task<List<string>> ListAsync(string prefix)
    {
        var keys = new List<string>();
        await foreach (var key in Storage.ListAsync(prefix, CancellationToken.None))
        {
            keys.Add(key);
        }
        return keys;
    }
}
