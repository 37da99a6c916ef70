using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Streamio.Abstractions.Wire;
using Streamio.Storage;
using Streamio.Testing;

namespace Streamio.Host.Tests.Progressive;

/// <summary>Sources and client moves shared by the encode-while-uploading tests.</summary>
public static class HeldUploads
{
    /// <summary>12 s at 320x180 (one rung at the test ladder): long enough that its head holds the first segments many times over.</summary>
    public static readonly ClipSpec Clip = new(DurationSeconds: 12, Width: 320, Height: 180, Gop: 30, Container: ClipContainer.Mkv);

    public static TheoryData<string> Containers => new() { "mkv", "webm", "mpegts", "mp4-faststart" };

    /// <summary>The clip in <paramref name="container"/>: generated (WebM, MP4 with moov at the end) or remuxed by FFmpeg from the MKV.</summary>
    public static async Task<byte[]> SourceAsync(string container)
    {
        switch (container)
        {
            case "webm":
                return await File.ReadAllBytesAsync(await ClipFactory.GetAsync(Clip with { Container = ClipContainer.Webm }));
            case "mp4-moov-at-end":
                return await File.ReadAllBytesAsync(await ClipFactory.GetAsync(Clip with { Container = ClipContainer.Mp4 }));
        }
        var mkv = await ClipFactory.GetAsync(Clip);
        if (container == "mkv")
        {
            return await File.ReadAllBytesAsync(mkv);
        }
        var path = Path.Combine(Path.GetDirectoryName(mkv)!, $"{Path.GetFileNameWithoutExtension(mkv)}.{container}");
        if (!File.Exists(path))
        {
            var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
            string[] format = container == "mpegts" ? ["-f", "mpegts"] : ["-movflags", "+faststart", "-f", "mp4"];
            await FfmpegTools.FfmpegAsync(["-hide_banner", "-nostdin", "-y", "-i", mkv, "-c", "copy", .. format, temporary]);
            File.Move(temporary, path, overwrite: true);
        }
        return await File.ReadAllBytesAsync(path);
    }

    /// <summary>POST /v1/videos with the held stream as the file part (title first, as forms send it); chunked, so no length up front.</summary>
    public static Task<HttpResponseMessage> PostAsync(StreamioNode node, HeldUploadStream body, string title) => Task.Run(async () =>
    {
        using var form = new MultipartFormDataContent { { new StringContent(title), "title" }, { new StreamContent(body), "file", "held.bin" } };
        return await node.Http.PostAsync("/v1/videos", form);
    });

    /// <summary>The id of the video titled <paramref name="title"/> once it is listed; fails with the upload's answer if that comes first.</summary>
    public static async Task<string> FindByTitleAsync(StreamioNode node, string title, Task<HttpResponseMessage>? upload = null)
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (!cancellation.IsCancellationRequested)
        {
            var page = await node.Http.GetFromJsonAsync<VideoPage>("/v1/videos?limit=20");
            if (page!.Items.FirstOrDefault(video => video.Title == title) is { } found)
            {
                return found.Id;
            }
            if (upload is { IsCompleted: true })
            {
                using var response = await upload;
                Assert.Fail($"the upload ended ({(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}) before its video was listed");
            }
            await Task.Delay(50, CancellationToken.None);
        }
        Assert.Fail($"no video titled '{title}' was listed while it uploaded");
        return "";
    }

    /// <summary>The video answers 404, is not listed, and no object is left under its prefix (late segment writers clean up too).</summary>
    public static async Task AssertGoneAsync(StreamioNode node, string id)
    {
        var storage = node.Services.GetRequiredService<IObjectStorage>();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (true)
        {
            using var response = await node.Http.GetAsync($"/v1/videos/{id}");
            var objects = new List<string>();
            await foreach (var key in storage.ListAsync(StorageKeys.VideoPrefix("default", id), CancellationToken.None))
            {
                objects.Add(key);
            }
            if (response.StatusCode == HttpStatusCode.NotFound && objects.Count == 0)
            {
                break;
            }
            Assert.False(cancellation.IsCancellationRequested, $"video {id} answers {(int)response.StatusCode} and keeps {objects.Count} objects ({string.Join(", ", objects.Take(5))})");
            await Task.Delay(100, CancellationToken.None);
        }
        var page = await node.Http.GetFromJsonAsync<VideoPage>("/v1/videos?limit=100");
        Assert.DoesNotContain(page!.Items, video => video.Id == id);
    }

    /// <summary>The first segment of the first rung, fetched the way a player does: master, media playlist, segment (all signed).</summary>
    public static async Task<byte[]> FirstSegmentAsync(StreamioNode node, string id)
    {
        var master = new Uri(await node.PlaybackUrlAsync(id));
        var mediaPath = (await node.Http.GetStringAsync(master)).Split('\n').First(line => line.Length > 0 && !line.StartsWith('#'));
        var media = new Uri(master, mediaPath);
        var segmentPath = (await node.Http.GetStringAsync(media)).Split('\n').First(line => line.Length > 0 && !line.StartsWith('#'));
        return await node.Http.GetByteArrayAsync(new Uri(media, segmentPath));
    }

    /// <summary>FFmpeg's HLS client decodes every frame and the whole audio through the tokenized master.</summary>
    public static async Task AssertPlaysToTheEndAsync(StreamioNode node, string id)
    {
        var url = await node.PlaybackUrlAsync(id);
        var frames = await MediaInspector.CountFramesAsync(url, "v:0");
        if (frames < Clip.FrameCount - 1 || frames > Clip.FrameCount + 1)
        {
            var master = await node.Http.GetStringAsync(url);
            var media = master.Split('\n').First(line => line.Length > 0 && !line.StartsWith('#') && !line.Contains("audio", StringComparison.Ordinal));
            Assert.Fail($"{frames} frames of {Clip.FrameCount}; the first rung's playlist:\n{await node.Http.GetStringAsync(new Uri(new Uri(url), media))}");
        }
        Assert.InRange(await MediaInspector.DurationAsync(url), Clip.DurationSeconds - 0.2, Clip.DurationSeconds + 0.2);
    }
}
