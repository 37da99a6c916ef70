using Streamio.Grains.Projects;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Streamio.Host.Api;
using Streamio.Host.Uploads;
using Streamio.Storage;
using Streamio.Testing;

namespace Streamio.Host.Tests;

/// <summary>/v1/uploads on the local disk: Streamio's own signed PUT URL, completion, and every refusal.</summary>
[Collection(SharedNodeCollection.Name)]
public sealed class UploadUrlTests(SharedNodeFixture fixture)
{
    private StreamioNode Node => fixture.Node;

    private static readonly ClipSpec SmallClip = new(DurationSeconds: 2, Width: 320, Height: 180, WithAudio: false);

    private static Task<string> SmallClipAsync() => ClipFactory.GetAsync(SmallClip);

    [Fact]
    public async Task A_signed_upload_url_takes_the_file_and_completing_it_twice_makes_one_video()
    {
        var clip = await SmallClipAsync();
        var upload = await Node.CreateAsync(new { title = "Via URL", filename = "clip.mp4", contentType = "video/mp4", sizeBytes = new FileInfo(clip).Length });

        Assert.Equal("PUT", upload.Method);
        Assert.StartsWith($"{Node.BaseAddress.AbsoluteUri}v1/uploads/{upload.UploadId}/content?exp=", upload.Url);
        Assert.Equal("video/mp4", upload.Headers["Content-Type"]);
        Assert.Equal(StorageKeys.Source(ProjectIds.Default, upload.VideoId), upload.Key);
        Assert.Equal(new FileInfo(clip).Length, upload.MaxBytes);
        Assert.True(upload.ExpiresAt > DateTimeOffset.UtcNow);

        using (var put = await UploadClient.PutFileAsync(upload, clip))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }
        var status = await Node.Http.GetFromJsonAsync<UploadStatusResponse>($"/v1/uploads/{upload.UploadId}");
        Assert.Equal("pending", status!.Status);

        using var first = await Node.CompleteAsync(upload.UploadId);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal($"/v1/videos/{upload.VideoId}", first.Headers.Location?.OriginalString);
        var video = (await first.Content.ReadFromJsonAsync<VideoResponse>())!;
        Assert.Equal((upload.VideoId, "Via URL"), (video.Id, video.Title));

        using var second = await Node.CompleteAsync(upload.UploadId);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(upload.VideoId, (await second.Content.ReadFromJsonAsync<VideoResponse>())!.Id);
        Assert.Equal("completed", (await Node.Http.GetFromJsonAsync<UploadStatusResponse>($"/v1/uploads/{upload.UploadId}"))!.Status);

        var ready = await Node.WaitForReadyAsync(upload.VideoId);
        Assert.Equal("ready", ready.Status);
        var url = await Node.PlaybackUrlAsync(upload.VideoId);
        Assert.InRange(await MediaInspector.CountFramesAsync(url, "v:0"), SmallClip.FrameCount - 1, SmallClip.FrameCount + 1);

        using var late = await UploadClient.PutFileAsync(upload, clip);
        Assert.Contains("already completed", await UploadClient.ProblemAsync(late, HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task An_expired_or_altered_upload_url_is_refused_and_stores_nothing()
    {
        var upload = await Node.CreateAsync();
        var signer = Node.Services.GetRequiredService<UploadUrlSigner>();
        var expired = $"{Node.BaseAddress.AbsoluteUri.TrimEnd('/')}{signer.PathFor(upload.UploadId, DateTimeOffset.UtcNow.AddSeconds(-1))}";
        var longer = upload.Url.Replace("exp=", "exp=9", StringComparison.Ordinal);
        var other = await Node.CreateAsync();
        var otherSignature = other.Url.Replace(other.UploadId, upload.UploadId, StringComparison.Ordinal);
        var unsigned = upload.Url[..upload.Url.IndexOf("&sig=", StringComparison.Ordinal)];

        Assert.Contains("expired", await PutRefusedAsync(upload, expired));
        foreach (var altered in new[] { longer, unsigned, upload.Url + "x", otherSignature })
        {
            Assert.Contains("not valid", await PutRefusedAsync(upload, altered));
        }

        var storage = Node.Services.GetRequiredService<IObjectStorage>();
        Assert.False(await storage.ExistsAsync(upload.Key, CancellationToken.None));
        Assert.Contains("Nothing has been uploaded", await UploadClient.ProblemAsync(await Node.CompleteAsync(upload.UploadId), HttpStatusCode.Conflict));
    }

    private static async Task<string> PutRefusedAsync(UploadResponse upload, string url)
    {
        using var content = new MemoryStream([1, 2, 3]);
        using var response = await UploadClient.PutAsync(upload, content, url);
        return await UploadClient.ProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_body_over_the_announced_size_or_the_limit_is_refused_with_413_and_not_kept()
    {
        var announced = await Node.CreateAsync(new { sizeBytes = 1000 });
        var storage = Node.Services.GetRequiredService<IObjectStorage>();

        using (var tooBig = await UploadClient.PutAsync(announced, new MemoryStream(new byte[1001])))
        {
            await UploadClient.ProblemAsync(tooBig, HttpStatusCode.RequestEntityTooLarge);
        }
        using (var chunked = await UploadClient.PutAsync(announced, new UnknownLength(new byte[5000])))
        {
            await UploadClient.ProblemAsync(chunked, HttpStatusCode.RequestEntityTooLarge);
        }
        Assert.False(await storage.ExistsAsync(announced.Key, CancellationToken.None));

        using var overLimit = await Node.Http.PostAsJsonAsync("/v1/uploads", new { sizeBytes = 33L * 1024 * 1024 });
        Assert.Contains("Streamio:MaxUploadBytes", await UploadClient.ProblemAsync(overLimit, HttpStatusCode.RequestEntityTooLarge));

        using (var empty = await UploadClient.PutAsync(announced, new MemoryStream()))
        {
            Assert.Contains("empty", await UploadClient.ProblemAsync(empty, HttpStatusCode.BadRequest));
        }
    }

    [Fact]
    public async Task Unknown_uploads_and_malformed_requests_get_clear_4xx()
    {
        Assert.Contains("POST /v1/uploads", await UploadClient.ProblemAsync(await Node.CompleteAsync("u_nope"), HttpStatusCode.NotFound));
        await UploadClient.ProblemAsync(await Node.Http.GetAsync("/v1/uploads/u_nope"), HttpStatusCode.NotFound);

        using var notJson = await Node.Http.PostAsync("/v1/uploads", new StringContent("{oops", System.Text.Encoding.UTF8, "application/json"));
        Assert.Contains("not valid JSON", await UploadClient.ProblemAsync(notJson, HttpStatusCode.BadRequest));
        using var text = await Node.Http.PostAsync("/v1/uploads", new StringContent("title=x"));
        Assert.Contains("JSON body", await UploadClient.ProblemAsync(text, HttpStatusCode.BadRequest));
        using var zero = await Node.Http.PostAsJsonAsync("/v1/uploads", new { sizeBytes = 0 });
        Assert.Contains("sizeBytes", await UploadClient.ProblemAsync(zero, HttpStatusCode.BadRequest));
        using var badType = await Node.Http.PostAsJsonAsync("/v1/uploads", new { contentType = "video mp4\r\nX-Evil: 1" });
        Assert.Contains("contentType", await UploadClient.ProblemAsync(badType, HttpStatusCode.BadRequest));
        using var longTitle = await Node.Http.PostAsJsonAsync("/v1/uploads", new { title = new string('t', 501) });
        Assert.Contains("title", await UploadClient.ProblemAsync(longTitle, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Ingest_by_key_and_S3_notifications_are_refused_on_the_local_disk()
    {
        using var ingest = await Node.Http.PostAsJsonAsync("/v1/videos/ingest", new { key = "ingest/a.mp4" });
        Assert.Contains("local disk", await UploadClient.ProblemAsync(ingest, HttpStatusCode.BadRequest));

        using var notice = await Node.Http.PostAsJsonAsync("/v1/uploads/s3-events", new { Records = Array.Empty<object>() });
        Assert.Contains("NotificationSecret", await UploadClient.ProblemAsync(notice, HttpStatusCode.Forbidden));
    }

    private sealed class UnknownLength(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
    }
}
