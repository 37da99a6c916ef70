using System.Net;
using System.Net.Http.Json;
using Streamio.Host.Api;
using Streamio.Testing;

namespace Streamio.Host.Tests.Embedding;

/// <summary>
/// Frames, storyboards and MP4 downloads with S3 storage and redirected segments (cluster-mode storage). On a node of
/// its own: once a video has been encoded there, /readyz on that node reported storage unreachable (s3rver's listing), which
/// failed S3PipelineTests' opening readiness check whenever this test ran first in their collection.
/// </summary>
public sealed class S3EmbeddingTests(S3EmbeddingTests.Fixture fixture) : IClassFixture<S3EmbeddingTests.Fixture>
{
    /// <summary>The same node as <see cref="S3NodeFixture"/>, apart.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private readonly S3NodeFixture _inner = new();

        public StreamioNode Node => _inner.Node;

        public Task InitializeAsync() => _inner.InitializeAsync();

        public Task DisposeAsync() => _inner.DisposeAsync();
    }

    private StreamioNode Node => fixture.Node;

    [Fact]
    public async Task Frames_storyboard_downloads_and_redirected_segments_work_across_origins_on_S3()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 3, Width: 320, Height: 180, Gop: 15));
        var video = await Node.WaitForReadyAsync((await Node.UploadOkAsync(clip, "On S3")).Id);
        Assert.Equal("ready", video.Status);
        using var admin = Node.CreateClient(StreamioNode.AdminKey);
        using (var on = await admin.PatchAsJsonAsync("/v1/projects/default", new { mp4Downloads = true }))
        {
            Assert.Equal(HttpStatusCode.OK, on.StatusCode);
        }
        var playback = await EmbeddingSetup.PlaybackAsync(Node, video.Id);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });

        using (var frame = await http.GetAsync(playback.ThumbnailUrl + "&time=2&width=160"))
        {
            Assert.Equal(HttpStatusCode.OK, frame.StatusCode);
            Assert.Equal("image/jpeg", frame.Content.Headers.ContentType?.MediaType);
        }
        var vtt = await http.GetStringAsync(playback.StoryboardUrl);
        Assert.Contains("storyboard.jpg?token=", vtt);

        // A redirected segment's 302 carries the CORS grant too (the bucket answers the bytes with its own rules).
        var segment = new HttpRequestMessage(HttpMethod.Get, playback.Url.Replace("master.m3u8", "180p/0.ts", StringComparison.Ordinal));
        segment.Headers.Add("Origin", "https://anyone.example");
        using (var redirected = await http.SendAsync(segment))
        {
            Assert.Equal(HttpStatusCode.Redirect, redirected.StatusCode);
            Assert.Equal("*", string.Join(",", redirected.Headers.GetValues("Access-Control-Allow-Origin")));
        }

        using var download = await http.GetAsync(playback.DownloadUrl);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("On S3.mp4", download.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var bytes = await download.Content.ReadAsByteArrayAsync();
        Assert.True(bytes.Length > 10_000, $"{bytes.Length} bytes");
        Assert.Equal("ftyp", System.Text.Encoding.ASCII.GetString(bytes, 4, 4));
    }
}
