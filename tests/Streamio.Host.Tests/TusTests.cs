using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Streamio.Grains.Projects;
using Streamio.Abstractions.Uploads;
using Streamio.Host.Api;
using Streamio.Host.Uploads.Tus;
using Streamio.Host.Tests.Tus;
using Streamio.Storage;
using Streamio.Testing;
using static Streamio.Host.Tests.Tus.TusRequests;

namespace Streamio.Host.Tests;

/// <summary>Resumable uploads (tus 1.0) on the shared node: the real tus-js-client, and hand-written bad requests.</summary>
[Collection(SharedNodeCollection.Name)]
public sealed class TusTests(SharedNodeFixture fixture)
{
    private static readonly ClipSpec Clip = new(DurationSeconds: 3, Width: 640, Height: 360, Gop: 15);

    private StreamioNode Node => fixture.Node;
    private HttpClient Http => Node.Http;

    [Fact]
    public async Task Tus_js_client_uploads_in_chunks_is_interrupted_and_a_new_client_resumes_it_to_a_playable_video()
    {
        var clip = await ClipFactory.GetAsync(Clip);
        var size = new FileInfo(clip).Length;
        const int chunkSize = 64 * 1024;
        Assert.True(size > 4 * chunkSize, $"the clip ({size} bytes) must span several chunks");
        var endpoint = new Uri(Node.BaseAddress, "/v1/tus");

        var first = await TusJsClient.RunAsync(endpoint, clip, chunkSize, "abort-after", (size * 2 / 5).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var url = first.Single("aborted").GetProperty("url").GetString()!;
        var path = new Uri(url).AbsolutePath;
        var uploadId = path.Split('/')[^1];
        var offset = await OffsetAsync(Http, path);
        Assert.InRange(offset, chunkSize, size - 1);
        Assert.NotEmpty(await PartsAsync(uploadId));

        var second = await TusJsClient.RunAsync(endpoint, clip, chunkSize, "resume", url);
        var success = second.Single("success");
        var videoId = success.GetProperty("videoId").GetString()!;
        var requests = second.Responses().ToList();
        Assert.Equal(("HEAD", offset.ToString(System.Globalization.CultureInfo.InvariantCulture)), (requests[0].GetProperty("method").GetString(), requests[0].GetProperty("offset").GetString()));
        Assert.DoesNotContain(requests, r => r.GetProperty("method").GetString() == "POST");
        Assert.All(requests.Skip(1), r => Assert.Equal(("PATCH", 204), (r.GetProperty("method").GetString(), r.GetProperty("status").GetInt32())));

        var upload = (await Http.GetFromJsonAsync<TusUploadResponse>(path))!;
        Assert.Equal((size, size, videoId, $"/v1/videos/{videoId}"), (upload.Length, upload.Offset, upload.VideoId, upload.VideoUrl));
        Assert.Empty(await PartsAsync(uploadId));

        var video = await Node.WaitForReadyAsync(videoId);
        Assert.Equal(("ready", "Uploaded with tus"), (video.Status, video.Title));
        Assert.Equal((640, 360), (video.Width, video.Height));
        var playback = await Node.PlaybackUrlAsync(videoId);
        for (var rendition = 0; rendition < video.Renditions.Count(r => r.Name != "audio"); rendition++)
        {
            Assert.InRange(await MediaInspector.CountFramesAsync(playback, $"v:{rendition}"), Clip.FrameCount - 1, Clip.FrameCount + 1);
        }
    }

    [Fact]
    public async Task A_full_upload_that_a_crash_left_without_its_video_is_finished_by_the_next_HEAD_skipping_spare_parts()
    {
        var clip = await File.ReadAllBytesAsync(await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 1, Width: 320, Height: 180, WithAudio: false)));
        var url = await CreateAsync(Http, clip.Length, Metadata(("title", "Recovered")));
        var uploadId = url.Split('/')[^1];
        var parts = Node.Services.GetRequiredService<TusPartStore>();
        var upload = (await Node.Services.GetRequiredService<IGrainFactory>().GetGrain<ITusUploadGrain>(uploadId).GetAsync())!;
        var half = clip.Length / 2;
        // As a node leaves it when it dies after recording the last byte, before making the video; a lost race left a spare part.
        await parts.PutAsync(upload, 0, half, new MemoryStream(clip[..half]), CancellationToken.None);
        await parts.PutAsync(upload, half, half + 10, new MemoryStream(new byte[10]), CancellationToken.None);
        await parts.PutAsync(upload, half, clip.Length, new MemoryStream(clip[half..]), CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        var recorded = await Node.Services.GetRequiredService<IGrainFactory>().GetGrain<ITusUploadGrain>(uploadId).AdvanceAsync(0, clip.Length, now, now.AddHours(1));
        Assert.Equal(AdvanceOutcome.Advanced, recorded.Outcome);

        using var head = await HeadAsync(Http, url);
        var videoId = Header(head, "Streamio-Video-Id");
        Assert.Empty(await PartsAsync(uploadId));
        var video = await Node.WaitForReadyAsync(videoId);
        Assert.Equal(("ready", "Recovered"), (video.Status, video.Title));
        Assert.InRange(video.DurationSeconds!.Value, 0.9, 1.1);
    }

    [Fact]
    public async Task Options_advertises_the_version_extensions_size_limit_and_checksums()
    {
        using var request = Request(HttpMethod.Options, "/v1/tus", version: null);
        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("1.0.0", Header(response, "Tus-Version"));
        Assert.Equal("1.0.0", Header(response, "Tus-Resumable"));
        Assert.Equal(["checksum", "creation", "expiration", "termination"], Header(response, "Tus-Extension").Split(',').Order());
        Assert.Equal((32 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), Header(response, "Tus-Max-Size"));
        Assert.Contains("sha1", Header(response, "Tus-Checksum-Algorithm").Split(','));
    }

    [Fact]
    public async Task Creation_answers_201_with_a_location_and_expiry_and_refuses_bad_headers()
    {
        using (var created = Request(HttpMethod.Post, "/v1/tus"))
        {
            created.Headers.Add("Upload-Length", "1000");
            created.Headers.Add("Upload-Metadata", Metadata(("filename", "holiday.mp4"), ("title", "Été")));
            using var response = await Http.SendAsync(created);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.Matches("^http://127.0.0.1:[0-9]+/v1/tus/u_[0-9a-f]{32}$", response.Headers.Location!.ToString());
            Assert.InRange(DateTimeOffset.Parse(Header(response, "Upload-Expires"), System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(2));
            using var head = await HeadAsync(Http, response.Headers.Location.AbsolutePath);
            Assert.Equal(("0", "1000", "no-store"), (Header(head, "Upload-Offset"), Header(head, "Upload-Length"), head.Headers.CacheControl?.ToString()));
            Assert.Equal(Metadata(("filename", "holiday.mp4"), ("title", "Été")), Header(head, "Upload-Metadata"));
            var upload = (await Http.GetFromJsonAsync<TusUploadResponse>(response.Headers.Location.AbsolutePath))!;
            Assert.Equal(("holiday.mp4", "Été", null), (upload.FileName, upload.Title, upload.VideoId));
        }

        await AssertCreationProblemAsync(HttpStatusCode.BadRequest, "Upload-Length", request => { });
        await AssertCreationProblemAsync(HttpStatusCode.BadRequest, "Upload-Length", request => request.Headers.Add("Upload-Length", "-5"));
        await AssertCreationProblemAsync(HttpStatusCode.BadRequest, "empty", request => request.Headers.Add("Upload-Length", "0"));
        await AssertCreationProblemAsync(HttpStatusCode.BadRequest, "Deferred", request => request.Headers.Add("Upload-Defer-Length", "1"));
        await AssertCreationProblemAsync(HttpStatusCode.RequestEntityTooLarge, "MaxUploadBytes", request => request.Headers.Add("Upload-Length", (33 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await AssertCreationProblemAsync(HttpStatusCode.BadRequest, "base64", request =>
        {
            request.Headers.Add("Upload-Length", "10");
            request.Headers.Add("Upload-Metadata", "filename !!notbase64!!");
        });
        await AssertCreationProblemAsync(HttpStatusCode.PreconditionFailed, "Tus-Resumable: 1.0.0", request => request.Headers.Add("Upload-Length", "10"), version: "0.2.2");
        await AssertCreationProblemAsync(HttpStatusCode.PreconditionFailed, "Tus-Resumable: 1.0.0", request => request.Headers.Add("Upload-Length", "10"), version: null);
    }

    [Fact]
    public async Task A_chunk_with_a_wrong_checksum_is_refused_with_460_and_discarded()
    {
        var bytes = RandomNumberGenerator.GetBytes(3000);
        var url = await CreateAsync(Http, bytes.Length);
        var first = bytes[..1000];

        using (var wrong = await SendPatchAsync(Http, url, 0, first, $"sha1 {Convert.ToBase64String(SHA1.HashData(bytes[1..1001]))}"))
        {
            Assert.Equal(460, (int)wrong.StatusCode);
            Assert.Contains("offset 0", await wrong.Content.ReadAsStringAsync());
        }
        Assert.Equal(0, await OffsetAsync(Http, url));
        Assert.Empty(await PartsAsync(url.Split('/')[^1]));

        using (var unknown = await SendPatchAsync(Http, url, 0, first, "crc32 AAAA"))
        {
            await AssertProblemAsync(unknown, HttpStatusCode.BadRequest, "sha1");
        }
        using (var right = await SendPatchAsync(Http, url, 0, first, $"sha1 {Convert.ToBase64String(SHA1.HashData(first))}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, right.StatusCode);
            Assert.Equal("1000", Header(right, "Upload-Offset"));
        }
        using (var sha256 = await SendPatchAsync(Http, url, 1000, bytes[1000..2000], $"sha256 {Convert.ToBase64String(SHA256.HashData(bytes[1000..2000]))}"))
        {
            Assert.Equal("2000", Header(sha256, "Upload-Offset"));
        }
    }

    [Fact]
    public async Task Patch_refuses_a_wrong_offset_with_409_a_wrong_content_type_with_415_and_bytes_past_the_length_with_413()
    {
        var url = await CreateAsync(Http, 100);
        using (var ahead = await SendPatchAsync(Http, url, 10, new byte[10]))
        {
            await AssertProblemAsync(ahead, HttpStatusCode.Conflict, "HEAD");
        }
        using (var request = Patch(url, 0, new byte[10], contentType: "application/octet-stream"))
        using (var response = await Http.SendAsync(request))
        {
            await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "application/offset+octet-stream");
        }
        using (var request = Patch(url, 0, new byte[10]))
        {
            request.Headers.Remove("Upload-Offset");
            using var response = await Http.SendAsync(request);
            await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Upload-Offset");
        }
        using (var request = Patch(url, 0, new byte[10]))
        {
            request.Headers.Remove("Tus-Resumable");
            using var response = await Http.SendAsync(request);
            await AssertProblemAsync(response, HttpStatusCode.PreconditionFailed, "Tus-Resumable");
            Assert.Equal("1.0.0", Header(response, "Tus-Version"));
        }
        using (var tooLong = await SendPatchAsync(Http, url, 0, new byte[101]))
        {
            await AssertProblemAsync(tooLong, HttpStatusCode.RequestEntityTooLarge, "100 more bytes");
        }
        // A body that does not announce its length is cut off at the limit while it streams.
        using (var request = Patch(url, 0, []))
        {
            request.Content = new StreamContent(new MemoryStream(new byte[150]));
            request.Content.Headers.ContentType = new("application/offset+octet-stream");
            request.Headers.TransferEncodingChunked = true;
            using var response = await Http.SendAsync(request);
            await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "discarded");
        }
        Assert.Equal(0, await OffsetAsync(Http, url));
        using (var fits = await SendPatchAsync(Http, url, 0, new byte[60]))
        {
            Assert.Equal("60", Header(fits, "Upload-Offset"));
        }
        using (var stale = await SendPatchAsync(Http, url, 0, new byte[10]))
        {
            await AssertProblemAsync(stale, HttpStatusCode.Conflict, "has 60 bytes");
        }
    }

    [Fact]
    public async Task Termination_removes_the_upload_and_its_stored_parts()
    {
        var url = await CreateAsync(Http, 1000);
        using (await SendPatchAsync(Http, url, 0, new byte[400]))
        {
        }
        var uploadId = url.Split('/')[^1];
        Assert.Single(await PartsAsync(uploadId));

        using (var delete = Request(HttpMethod.Delete, url))
        using (var response = await Http.SendAsync(delete))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }
        Assert.Empty(await PartsAsync(uploadId));
        using (var head = await HeadAsync(Http, url))
        {
            Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        }
        using (var patch = await SendPatchAsync(Http, url, 400, new byte[10]))
        {
            await AssertProblemAsync(patch, HttpStatusCode.NotFound, "POST /v1/tus");
        }
        using (var again = Request(HttpMethod.Delete, url))
        using (var response = await Http.SendAsync(again))
        {
            await AssertProblemAsync(response, HttpStatusCode.NotFound, uploadId);
        }
    }

    [Fact]
    public async Task Unknown_or_malformed_upload_ids_are_404()
    {
        foreach (var id in new[] { "u_00000000000000000000000000000000", "..%2F..%2Fetc", "U_ABC" })
        {
            using var head = await HeadAsync(Http, $"/v1/tus/{id}");
            Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
            using var get = await Http.GetAsync($"/v1/tus/{id}");
            await AssertProblemAsync(get, HttpStatusCode.NotFound, "POST /v1/tus");
        }
    }

    [Fact]
    public async Task A_client_that_vanishes_mid_chunk_keeps_the_bytes_that_arrived()
    {
        var url = await CreateAsync(Http, 1_000_000);
        using var request = Patch(url, 0, []);
        request.Content = new VanishingContent(sendBytes: 200_000, declaredBytes: 500_000);
        request.Content.Headers.ContentType = new("application/offset+octet-stream");
        await Assert.ThrowsAnyAsync<Exception>(() => Http.SendAsync(request));

        long offset = 0;
        for (var i = 0; i < 100 && offset == 0; i++)
        {
            await Task.Delay(100);
            offset = await OffsetAsync(Http, url);
        }
        Assert.Equal(200_000, offset);
        using var next = await SendPatchAsync(Http, url, 200_000, new byte[10]);
        Assert.Equal("200010", Header(next, "Upload-Offset"));
    }

    [Fact]
    public async Task X_HTTP_Method_Override_lets_a_POST_stand_in_for_PATCH_HEAD_and_DELETE_and_the_last_byte_names_the_video()
    {
        var clip = await File.ReadAllBytesAsync(await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 1, Width: 320, Height: 180, WithAudio: false)));
        var url = await CreateAsync(Http, clip.Length, Metadata(("filename", "tiny.mp4")));

        using (var patch = Patch(url, 0, clip))
        {
            patch.Method = HttpMethod.Post;
            patch.Headers.Add("X-HTTP-Method-Override", "PATCH");
            using var response = await Http.SendAsync(patch);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            var videoId = Header(response, "Streamio-Video-Id");
            var video = await Node.GetVideoAsync(videoId);
            Assert.Equal("tiny.mp4", video.Title);

            using var head = Request(HttpMethod.Post, url);
            head.Headers.Add("X-HTTP-Method-Override", "HEAD");
            using var headResponse = await Http.SendAsync(head);
            Assert.Equal((HttpStatusCode.OK, videoId), (headResponse.StatusCode, Header(headResponse, "Streamio-Video-Id")));
            Assert.Equal(clip.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), Header(headResponse, "Upload-Offset"));
        }

        using (var delete = Request(HttpMethod.Post, url))
        {
            delete.Headers.Add("X-HTTP-Method-Override", "DELETE");
            using var response = await Http.SendAsync(delete);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }
        using (var gone = await HeadAsync(Http, url))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }
        using (var bare = Request(HttpMethod.Post, url))
        using (var response = await Http.SendAsync(bare))
        {
            await AssertProblemAsync(response, HttpStatusCode.BadRequest, "X-HTTP-Method-Override");
        }
    }

    [Fact]
    public async Task Browsers_may_call_tus_from_another_origin_and_read_its_headers()
    {
        using (var preflight = new HttpRequestMessage(HttpMethod.Options, "/v1/tus/u_00000000000000000000000000000000"))
        {
            preflight.Headers.Add("Origin", "https://app.example");
            preflight.Headers.Add("Access-Control-Request-Method", "PATCH");
            preflight.Headers.Add("Access-Control-Request-Headers", "tus-resumable,upload-offset,upload-checksum,content-type");
            using var response = await Http.SendAsync(preflight);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            Assert.Equal("*", Header(response, "Access-Control-Allow-Origin"));
            Assert.Contains("PATCH", Header(response, "Access-Control-Allow-Methods").Split(','));
            Assert.Contains("upload-offset", Header(response, "Access-Control-Allow-Headers").ToLowerInvariant().Split(','));
        }

        using var create = Request(HttpMethod.Post, "/v1/tus");
        create.Headers.Add("Origin", "https://app.example");
        create.Headers.Add("Upload-Length", "10");
        using var created = await Http.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var exposed = Header(created, "Access-Control-Expose-Headers").ToLowerInvariant().Split(',');
        Assert.Superset(new HashSet<string> { "location", "upload-offset", "upload-length", "upload-expires", "tus-resumable", "streamio-video-id" }, exposed.ToHashSet());
    }

    private async Task AssertCreationProblemAsync(HttpStatusCode status, string detail, Action<HttpRequestMessage> configure, string? version = "1.0.0")
    {
        using var request = Request(HttpMethod.Post, "/v1/tus", version);
        configure(request);
        using var response = await Http.SendAsync(request);
        await AssertProblemAsync(response, status, detail);
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detail, body);
        Assert.Equal("1.0.0", Header(response, "Tus-Resumable"));
    }

    private async Task<List<string>> PartsAsync(string uploadId)
    {
        var storage = Node.Services.GetRequiredService<IObjectStorage>();
        var keys = new List<string>();
        await foreach (var key in storage.ListAsync(StorageKeys.TusUploadPrefix(ProjectIds.Default, uploadId), CancellationToken.None))
        {
            keys.Add(key);
        }
        return keys;
    }

    /// <summary>Announces more bytes than it sends, then fails: the connection drops mid-body, as when a laptop lid closes.</summary>
    private sealed class VanishingContent(int sendBytes, int declaredBytes) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(new byte[sendBytes]);
            await stream.FlushAsync();
            await Task.Delay(300);
            throw new IOException("the client vanished");
        }

        protected override bool TryComputeLength(out long length)
        {
            length = declaredBytes;
            return true;
        }
    }
}
