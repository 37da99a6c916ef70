using System.Diagnostics;
using System.Net;
using Streamio.Testing;

namespace Streamio.Host.Tests;

/// <summary>Uploads from strangers: each is refused with a reason, reads nothing it points at, and the server keeps serving.</summary>
[Collection(SharedNodeCollection.Name)]
public sealed class HostileUploadTests(SharedNodeFixture fixture)
{
    private StreamioNode Node => fixture.Node;

    private async Task<string> FailedReasonAsync(string path, string fileName)
    {
        var uploaded = await Node.UploadOkAsync(path, fileName: fileName);
        var final = await Node.WaitForAsync(uploaded.Id, video => video.Status is "failed" or "ready");
        Assert.Equal("failed", final.Status);
        Assert.False(final.Playable);
        Assert.False(string.IsNullOrWhiteSpace(final.Error));
        Assert.Equal(HttpStatusCode.OK, (await Node.Http.GetAsync("/healthz")).StatusCode);
        return final.Error!;
    }

    [Fact]
    public async Task An_HLS_playlist_named_mp4_is_rejected_and_the_local_file_it_points_at_is_never_opened()
    {
        using var scratch = new TempDirectory();
        var fifo = Path.Combine(scratch.Path, "secret.ts");
        using (var mkfifo = Process.Start("mkfifo", fifo))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }
        // Opening a FIFO for writing blocks until some reader opens it: if FFmpeg ever opened the file, this completes.
        var opened = Task.Run(() => new FileStream(fifo, FileMode.Open, FileAccess.Write).Dispose());
        var playlist = Path.Combine(scratch.Path, "attack.mp4");
        await File.WriteAllTextAsync(playlist, $"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile://{fifo}\n#EXTINF:10,\n{fifo}\n#EXT-X-ENDLIST\n");

        var reason = await FailedReasonAsync(playlist, "attack.mp4");

        Assert.Contains("not a supported video", reason, StringComparison.OrdinalIgnoreCase);
        Assert.False(opened.IsCompleted, "FFmpeg opened the file the playlist pointed at");
        await using (new FileStream(fifo, FileMode.Open, FileAccess.Read))
        {
            await opened.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task A_truncated_mp4_fails_with_a_reason()
    {
        using var scratch = new TempDirectory();
        // Without +faststart the index (moov) is at the end: cutting the file leaves media data with no index.
        var source = Path.Combine(scratch.Path, "whole.mp4");
        await FfmpegTools.FfmpegAsync("-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30:duration=3",
            "-c:v", "libx264", "-preset", "ultrafast", source);
        var bytes = await File.ReadAllBytesAsync(source);
        var truncated = Path.Combine(scratch.Path, "truncated.mp4");
        await File.WriteAllBytesAsync(truncated, bytes[..(bytes.Length * 3 / 10)]);

        await FailedReasonAsync(truncated, "truncated.mp4");
    }

    [Fact]
    public async Task Random_bytes_fail_with_a_reason()
    {
        using var scratch = new TempDirectory();
        var path = Path.Combine(scratch.Path, "random.mp4");
        var bytes = new byte[256 * 1024];
        new Random(42).NextBytes(bytes);
        await File.WriteAllBytesAsync(path, bytes);

        Assert.Contains("not a supported video", await FailedReasonAsync(path, "random.mp4"), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_text_file_fails_with_a_reason()
    {
        using var scratch = new TempDirectory();
        var path = Path.Combine(scratch.Path, "notes.mov");
        await File.WriteAllTextAsync(path, string.Concat(Enumerable.Repeat("This is not a video, it is a text file.\n", 200)));

        Assert.Contains("not a supported video", await FailedReasonAsync(path, "notes.mov"), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(ClipContainer.Mov, "movie.bin")]
    [InlineData(ClipContainer.Mkv, "movie.mp4")]
    [InlineData(ClipContainer.Webm, "movie")]
    public async Task Accepted_formats_are_recognised_by_content_not_by_name(ClipContainer container, string fileName)
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 2, Width: 320, Height: 180, Container: container));
        var uploaded = await Node.UploadOkAsync(clip, fileName: fileName);
        var final = await Node.WaitForReadyAsync(uploaded.Id);
        Assert.Equal("ready", final.Status);
        Assert.Equal(["180p", "audio"], final.Renditions.Select(r => r.Name));
        await Node.Http.DeleteAsync($"/v1/videos/{uploaded.Id}");
    }
}
