using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Streamio.Host.Uploads.Progressive;
using Streamio.Testing;

namespace Streamio.Host.Tests;

/// <summary>
/// An upload in progress, readable through the signed internal route while it grows: FFprobe learns the picture size
/// from the front of a Matroska file before its writer has written the rest; readers see the end only when the upload
/// completes, and an error, never an end, when it is abandoned.
/// </summary>
[Collection(SharedNodeCollection.Name)]
public sealed class GrowingSourceTests(SharedNodeFixture fixture)
{
    private StreamioNode Node => fixture.Node;

    private GrowingSources Sources => Node.Services.GetRequiredService<GrowingSources>();

    [Fact]
    public async Task FFprobe_reads_the_front_of_a_growing_mkv_before_its_last_byte_and_a_reader_gets_every_byte()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 10, Width: 640, Height: 360, Container: ClipContainer.Mkv));
        var bytes = await File.ReadAllBytesAsync(clip);
        var videoId = $"v_{Guid.NewGuid():N}";
        var source = Sources.Start(videoId);
        try
        {
            var url = new Uri(Node.BaseAddress, Sources.PathFor(videoId, DateTimeOffset.UtcNow.AddMinutes(10))).ToString();
            using var probed = new CancellationTokenSource();
            long written = 0;
            // A slow client: a few KiB at a time until the probe has answered, then the rest at once.
            var writer = Task.Run(async () =>
            {
                const int step = 8 * 1024;
                while (written < bytes.Length)
                {
                    var next = (int)Math.Min(step, bytes.Length - written);
                    await source.AppendAsync(bytes.AsMemory((int)written, next), CancellationToken.None);
                    Interlocked.Add(ref written, next);
                    if (!probed.IsCancellationRequested)
                    {
                        await Task.Delay(20);
                    }
                }
                source.Complete();
            });

            var size = await MediaInspector.VideoSizeAsync(url);
            var writtenWhenProbed = Interlocked.Read(ref written);
            await probed.CancelAsync();

            Assert.Equal((640, 360), size);
            Assert.True(writtenWhenProbed < bytes.Length, $"the probe answered after {writtenWhenProbed} of {bytes.Length} bytes");
            var read = await Node.Http.GetByteArrayAsync(url);
            await writer;
            Assert.Equal(bytes, read);
        }
        finally
        {
            Sources.Remove(videoId);
        }
        Assert.Null(Sources.Find(videoId));
    }

    [Fact]
    public async Task An_abandoned_upload_fails_its_reader_and_a_bad_signature_or_unknown_upload_reads_nothing()
    {
        var videoId = $"v_{Guid.NewGuid():N}";
        var source = Sources.Start(videoId);
        try
        {
            var path = Sources.PathFor(videoId, DateTimeOffset.UtcNow.AddMinutes(10));
            await source.AppendAsync(new byte[100_000], CancellationToken.None);
            using var response = await Node.Http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[100_000];
            await body.ReadExactlyAsync(buffer);

            var waiting = body.ReadAsync(buffer).AsTask();
            Assert.False(waiting.IsCompleted, "a reader at the bytes received so far waits for more");
            source.Abandon("the client went away");
            await Assert.ThrowsAnyAsync<IOException>(() => waiting);

            Assert.Equal(HttpStatusCode.Forbidden, (await Node.Http.GetAsync(path.Replace("sig=", "sig=x", StringComparison.Ordinal))).StatusCode);
            var other = $"v_{Guid.NewGuid():N}";
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Http.GetAsync(Sources.PathFor(other, DateTimeOffset.UtcNow.AddMinutes(1)))).StatusCode);
        }
        finally
        {
            Sources.Remove(videoId);
        }
        Assert.False(File.Exists(source.Path), "the scratch file is deleted");
    }

    [Fact]
    public async Task Once_the_upload_completed_the_url_reads_the_stored_source_and_once_the_video_is_deleted_nothing()
    {
        // Work handed the URL just before the last byte may start FFmpeg after it: it reads the stored source instead.
        var bytes = await Progressive.HeldUploads.SourceAsync("mkv");
        using var form = new MultipartFormDataContent { { new StringContent("completed growing copy"), "title" }, { new ByteArrayContent(bytes), "file", "clip.mkv" } };
        using var created = await Node.Http.PostAsync("/v1/videos", form);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var video = (await created.Content.ReadFromJsonAsync<Abstractions.Wire.VideoResponse>())!;
        Assert.True(video.Progressive is { Used: true }, "the upload was read while it arrived");
        Assert.Null(Sources.Find(video.Id));
        var path = Sources.PathFor(video.Id, DateTimeOffset.UtcNow.AddMinutes(10));

        Assert.Equal(bytes, await Node.Http.GetByteArrayAsync(path));
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Http.GetAsync(path.Replace("sig=", "sig=x", StringComparison.Ordinal))).StatusCode);

        await Node.WaitForReadyAsync(video.Id);
        Assert.Equal(HttpStatusCode.NoContent, (await Node.Http.DeleteAsync($"/v1/videos/{video.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Http.GetAsync(path)).StatusCode);
    }
}
