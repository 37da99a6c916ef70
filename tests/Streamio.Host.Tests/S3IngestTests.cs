using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Streamio.Grains.Projects;
using Streamio.Abstractions.Videos;
using Streamio.Host.Api;
using Streamio.Storage;
using Streamio.Testing;

namespace Streamio.Host.Tests;

/// <summary>Completion by S3 event notification, ingest of an object already in the bucket, and their refusals.</summary>
[Collection(S3NodeCollection.Name)]
public sealed class S3IngestTests(S3NodeFixture fixture)
{
    private static readonly ClipSpec SmallClip = new(DurationSeconds: 2, Width: 320, Height: 180, WithAudio: false);

    private StreamioNode Node => fixture.Node;

    private IObjectStorage Storage => Node.Services.GetRequiredService<IObjectStorage>();

    private static CancellationToken None => CancellationToken.None;

    private async Task PutObjectAsync(string key, string path)
    {
        await using var file = File.OpenRead(path);
        await Storage.PutAsync(key, file, None);
    }

    private async Task<HttpResponseMessage> NotifyAsync(object notification, string? secret = S3NodeFixture.NotificationSecret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/uploads/s3-events") { Content = JsonContent.Create(notification) };
        if (secret is not null)
        {
            request.Headers.Add("X-Streamio-Notification-Secret", secret);
        }
        return await Node.Http.SendAsync(request);
    }

    /// <summary>A record as S3 sends it: the bucket key, URL-encoded.</summary>
    private object Created(string key) => new
    {
        eventVersion = "2.1",
        eventSource = "aws:s3",
        eventName = "ObjectCreated:Put",
        s3 = new { bucket = new { name = fixture.Bucket }, @object = new { key = WebUtility.UrlEncode(S3NodeFixture.KeyPrefix + key), size = 1 } },
    };

    [Fact]
    public async Task An_S3_notification_completes_an_upload_and_repeats_or_a_later_complete_make_no_second_video()
    {
        var clip = await ClipFactory.GetAsync(SmallClip);
        var title = $"notified {Guid.NewGuid():N}";
        var upload = await Node.CreateAsync(new { title });
        var notYetUploaded = await Node.CreateAsync();
        using (var put = await UploadClient.PutFileAsync(upload, clip))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }
        var removed = new { eventName = "ObjectRemoved:Delete", s3 = new { bucket = new { name = fixture.Bucket }, @object = new { key = "x" } } };
        var notification = new { Records = new[] { Created(upload.Key), Created(notYetUploaded.Key), Created("videos/v_unknown/source"), removed } };

        using var first = await NotifyAsync(notification);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var results = (await first.Content.ReadFromJsonAsync<S3EventsResponse>())!.Results;
        Assert.Equal(["created", "ignored: the object is not there", "ignored: not a pending upload", "ignored: not an ObjectCreated event"],
            results.Select(result => result.Outcome));
        Assert.Equal((upload.UploadId, upload.VideoId), (results[0].UploadId, results[0].VideoId));

        using var again = await NotifyAsync(new { Records = new[] { Created(upload.Key) } });
        Assert.Equal("already completed", (await again.Content.ReadFromJsonAsync<S3EventsResponse>())!.Results.Single().Outcome);
        using var complete = await Node.CompleteAsync(upload.UploadId);
        Assert.Equal(HttpStatusCode.OK, complete.StatusCode);
        Assert.Equal(upload.VideoId, (await complete.Content.ReadFromJsonAsync<VideoResponse>())!.Id);

        var page = (await Node.Http.GetFromJsonAsync<VideoPage>("/v1/videos?limit=100"))!;
        Assert.Single(page.Items, item => item.Title == title);
        Assert.Equal("ready", (await Node.WaitForReadyAsync(upload.VideoId)).Status);
        Assert.Contains("Nothing has been uploaded", await UploadClient.ProblemAsync(await Node.CompleteAsync(notYetUploaded.UploadId), HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task Notifications_without_the_shared_secret_are_refused()
    {
        var notification = new { Records = Array.Empty<object>() };
        Assert.Contains("missing or wrong", await UploadClient.ProblemAsync(await NotifyAsync(notification, secret: null), HttpStatusCode.Forbidden));
        Assert.Contains("missing or wrong", await UploadClient.ProblemAsync(await NotifyAsync(notification, secret: "guess"), HttpStatusCode.Forbidden));
        using var malformed = new HttpRequestMessage(HttpMethod.Post, "/v1/uploads/s3-events")
        {
            Content = new StringContent("{\"Records\": 5}", System.Text.Encoding.UTF8, "application/json"),
        };
        malformed.Headers.Add("X-Streamio-Notification-Secret", S3NodeFixture.NotificationSecret);
        Assert.Contains("not valid JSON", await UploadClient.ProblemAsync(await Node.Http.SendAsync(malformed), HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task An_object_already_in_the_bucket_is_ingested_in_place_never_copied_and_never_deleted()
    {
        var clip = await ClipFactory.GetAsync(SmallClip);
        var key = $"ingest/default/{Guid.NewGuid():N}/my clip.mp4";
        await PutObjectAsync(key, clip);

        using var response = await Node.Http.PostAsJsonAsync("/v1/videos/ingest", new { key, title = "Ingested" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var video = (await response.Content.ReadFromJsonAsync<VideoResponse>())!;
        var ready = await Node.WaitForReadyAsync(video.Id);

        Assert.Equal(("ready", "Ingested"), (ready.Status, ready.Title));
        var state = await Node.Services.GetRequiredService<IGrainFactory>().GetGrain<IVideoGrain>(video.Id).GetAsync();
        Assert.Equal((key, true), (state!.SourceKey, state.SourceIsExternal));
        var keys = new List<string>();
        await foreach (var stored in Storage.ListAsync(StorageKeys.VideoPrefix(ProjectIds.Default, video.Id), None))
        {
            keys.Add(stored);
        }
        Assert.All(keys, stored => Assert.True(stored.Contains("/hls/", StringComparison.Ordinal) || stored.Contains("/cmaf/", StringComparison.Ordinal) || stored.Contains("/images/", StringComparison.Ordinal), $"{stored} is a copy"));
        Assert.Equal(new FileInfo(clip).Length, await Storage.GetSizeAsync(key, None));
        var url = await Node.PlaybackUrlAsync(video.Id);
        Assert.InRange(await MediaInspector.CountFramesAsync(url, "v:0"), SmallClip.FrameCount - 1, SmallClip.FrameCount + 1);

        Assert.Equal(HttpStatusCode.NoContent, (await Node.Http.DeleteAsync($"/v1/videos/{video.Id}")).StatusCode);
        Assert.True(await Storage.ExistsAsync(key, None), "deleting the video leaves the ingested object alone");
    }

    [Fact]
    public async Task Ingest_refuses_keys_outside_the_prefix_missing_or_empty_objects_and_bad_bodies()
    {
        using (var empty = new MemoryStream())
        {
            await Storage.PutAsync("ingest/default/empty.mp4", empty, None);
        }
        await PutObjectAsync("elsewhere/clip.mp4", await ClipFactory.GetAsync(SmallClip));

        foreach (var key in new[] { "elsewhere/clip.mp4", "videos/v_x/source", "ingest/default/../elsewhere/clip.mp4", "/ingest/default/a.mp4", "ingest/other-project/a.mp4", "" })
        {
            using var outside = await Node.Http.PostAsJsonAsync("/v1/videos/ingest", new { key });
            Assert.Contains("ingest/default/", await UploadClient.ProblemAsync(outside, HttpStatusCode.BadRequest));
        }
        using var missing = await Node.Http.PostAsJsonAsync("/v1/videos/ingest", new { key = "ingest/default/none.mp4" });
        Assert.Contains("no object", await UploadClient.ProblemAsync(missing, HttpStatusCode.NotFound));
        using var emptyObject = await Node.Http.PostAsJsonAsync("/v1/videos/ingest", new { key = "ingest/default/empty.mp4" });
        Assert.Contains("empty", await UploadClient.ProblemAsync(emptyObject, HttpStatusCode.BadRequest));
        using var noBody = await Node.Http.PostAsync("/v1/videos/ingest", null);
        await UploadClient.ProblemAsync(noBody, HttpStatusCode.BadRequest);
        using var notJson = await Node.Http.PostAsync("/v1/videos/ingest", new StringContent("{", System.Text.Encoding.UTF8, "application/json"));
        Assert.Contains("not valid JSON", await UploadClient.ProblemAsync(notJson, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task An_S3_upload_larger_than_announced_is_refused_at_completion_and_deleted()
    {
        var upload = await Node.CreateAsync(new { sizeBytes = 10 });
        using (var put = await UploadClient.PutAsync(upload, new MemoryStream(new byte[100])))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        await UploadClient.ProblemAsync(await Node.CompleteAsync(upload.UploadId), HttpStatusCode.RequestEntityTooLarge);

        Assert.False(await Storage.ExistsAsync(upload.Key, None));
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Http.GetAsync($"/v1/videos/{upload.VideoId}")).StatusCode);
        await UploadClient.ProblemAsync(await Node.CompleteAsync(upload.UploadId), HttpStatusCode.Conflict);
    }
}
