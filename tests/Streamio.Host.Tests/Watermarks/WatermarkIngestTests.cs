using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Streamio.Abstractions.Wire;
using Streamio.Host.Api;
using Streamio.Storage;
using Streamio.Testing;

namespace Streamio.Host.Tests.Watermarks;

/// <summary>The middleware case: an object in S3 and a viewer in one call, a watermarked URL back at once.</summary>
[Collection(S3NodeCollection.Name)]
public sealed class WatermarkIngestTests(S3NodeFixture fixture)
{
    private static readonly ClipSpec Clip = new(DurationSeconds: 4, Width: 640, Height: 360, Gop: 30);

    [Fact]
    public async Task Ingest_with_a_watermark_returns_a_url_at_once_that_becomes_playable()
    {
        var node = fixture.Node;
        var key = $"ingest/default/{Guid.NewGuid():N}/lecture.mp4";
        await using (var file = File.OpenRead(await ClipFactory.GetAsync(Clip)))
        {
            await node.Services.GetRequiredService<IObjectStorage>().PutAsync(key, file, CancellationToken.None);
        }

        using var response = await node.Http.PostAsJsonAsync("/v1/videos/ingest",
            new IngestRequest(key, "Lecture", Viewer: "student-7", Watermark: new WatermarkRequest("student-7", "top-right", 1, 32)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var ingested = (await response.Content.ReadFromJsonAsync<WatermarkedIngestResponse>())!;
        // Answered before the video was even probed: the session follows the rendition as it is encoded.
        Assert.Equal("uploaded", ingested.Video.Status);
        Assert.Contains($"/watermarked/{ingested.Video.Id}/{ingested.Playback.SessionId}/master.m3u8?token=", ingested.Playback.Url);
        Assert.Equal($"/v1/videos/{ingested.Video.Id}", response.Headers.Location?.OriginalString);

        await WatermarkStreams.WaitUntilCompleteAsync(node, ingested.Playback.Url);
        Assert.Equal(Clip.FrameCount, await MediaInspector.CountFramesAsync(ingested.Playback.Url));
        Assert.Equal((640, 360), await MediaInspector.VideoSizeAsync(ingested.Playback.Url));
    }

    [Fact]
    public async Task A_refused_watermark_creates_no_video()
    {
        var node = fixture.Node;
        var key = $"ingest/default/{Guid.NewGuid():N}/clip.mp4";
        await using (var file = File.OpenRead(await ClipFactory.GetAsync(Clip)))
        {
            await node.Services.GetRequiredService<IObjectStorage>().PutAsync(key, file, CancellationToken.None);
        }
        var before = (await node.Http.GetFromJsonAsync<VideoPage>("/v1/videos?limit=100"))!.Items.Count;

        using var response = await node.Http.PostAsJsonAsync("/v1/videos/ingest",
            new IngestRequest(key, "Refused", Viewer: "v", Watermark: new WatermarkRequest(new string('x', 1024 * 1024), null, null, null)));

        Assert.Contains("at most 200", await UploadClient.ProblemAsync(response, HttpStatusCode.BadRequest));
        Assert.Equal(before, (await node.Http.GetFromJsonAsync<VideoPage>("/v1/videos?limit=100"))!.Items.Count);
    }
}
