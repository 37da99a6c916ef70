using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Streamio.Host.Api;
using Streamio.Host.Playback;
using Streamio.Host.Tests.Web;

namespace Streamio.Host.Tests.Embedding;

/// <summary>MP4 downloads: a project turns them on, a ready video's playback URLs then include a signed faststart MP4.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DownloadTests(BrowserFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
{
    private StreamioNode Node => fixture.Node;

    [Fact]
    public async Task A_project_with_downloads_gets_a_signed_faststart_mp4_named_after_the_title()
    {
        var restricted = await EmbeddingSetup.RestrictedAsync(fixture);
        using var admin = Node.CreateClient(StreamioNode.AdminKey);
        using (var on = await admin.PatchAsJsonAsync($"/v1/projects/{restricted.ProjectId}", new { mp4Downloads = true }))
        {
            Assert.Equal(HttpStatusCode.OK, on.StatusCode);
            var project = (await on.Content.ReadFromJsonAsync<ProjectResponse>())!;
            Assert.True(project.Mp4Downloads);
            Assert.NotEmpty(project.PlaybackOrigins); // untouched by a PATCH that does not name them
        }
        var playback = await EmbeddingSetup.PlaybackAsync(Node, restricted.Video.Id, restricted.Project);
        Assert.Equal(playback.Url.Replace("master.m3u8", "download.mp4", StringComparison.Ordinal), playback.DownloadUrl);
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(3) };
        // The embedded player offers it too (its data comes from player.json).
        var playerData = await http.GetFromJsonAsync<System.Text.Json.JsonElement>(playback.Url.Replace("master.m3u8", "player.json", StringComparison.Ordinal));
        Assert.Equal(playback.DownloadUrl, playerData.GetProperty("downloadUrl").GetString());

        // Two first requests at once share one build and get the same bytes.
        var clock = Stopwatch.StartNew();
        var first = http.GetAsync(playback.DownloadUrl);
        var second = http.GetAsync(playback.DownloadUrl);
        using var response = await first;
        using var again = await second;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("video/mp4", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("Restricted clip.mp4", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        output.WriteLine($"first download (MP4 made from {restricted.Video.DurationSeconds:0.#} s of segments): {clock.ElapsedMilliseconds} ms, {bytes.Length} bytes (informational)");
        clock.Restart();
        using (var stored = await http.GetAsync(playback.DownloadUrl))
        {
            await stored.Content.ReadAsByteArrayAsync();
            output.WriteLine($"second download (stored): {clock.ElapsedMilliseconds} ms (informational)");
        }
        Assert.Equal(bytes, await again.Content.ReadAsByteArrayAsync());

        // faststart: the index (moov) comes before the media (mdat).
        var boxes = TopLevelBoxes(bytes);
        Assert.True(boxes.IndexOf("moov") >= 0 && boxes.IndexOf("moov") < boxes.IndexOf("mdat"), $"boxes: {string.Join(' ', boxes)}");

        // It is the whole video: FFmpeg decodes every frame of it, with its audio.
        var path = Path.Combine(Directory.CreateTempSubdirectory("streamio-download-").FullName, "video.mp4");
        await File.WriteAllBytesAsync(path, bytes);
        var probe = await RunAsync("ffprobe", "-v", "error", "-count_frames", "-show_entries", "stream=codec_type,width,height,nb_read_frames", "-of", "csv=p=0", path);
        Assert.Contains("video,320,180,120", probe);
        Assert.Contains("audio", probe);
    }

    [Fact]
    public async Task Downloads_are_refused_when_the_project_has_none_the_video_is_not_ready_or_the_token_is_wrong()
    {
        var video = await fixture.ReadyVideoAsync();
        var playback = await EmbeddingSetup.PlaybackAsync(Node, video.Id);
        Assert.Null(playback.DownloadUrl);
        using var http = new HttpClient();
        var playerData = await http.GetFromJsonAsync<System.Text.Json.JsonElement>(playback.Url.Replace("master.m3u8", "player.json", StringComparison.Ordinal));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, playerData.GetProperty("downloadUrl").ValueKind);
        var url = playback.Url.Replace("master.m3u8", "download.mp4", StringComparison.Ordinal);
        await AssertProblemAsync(await http.GetAsync(url), HttpStatusCode.NotFound, "does not offer MP4 downloads");

        var tokens = Node.Services.GetRequiredService<PlaybackTokens>();
        var expired = $"{Node.BaseAddress}play/{video.Id}/download.mp4?token={Uri.EscapeDataString(tokens.Issue(video.Id, DateTimeOffset.UtcNow.AddSeconds(-1), null))}";
        await AssertProblemAsync(await http.GetAsync(expired), HttpStatusCode.Forbidden, "expired");
        var foreign = $"{Node.BaseAddress}play/{video.Id}/download.mp4?token={Uri.EscapeDataString(tokens.Issue("v_other", DateTimeOffset.UtcNow.AddHours(1), null))}";
        await AssertProblemAsync(await http.GetAsync(foreign), HttpStatusCode.Forbidden, "another video");

        var notVideo = Path.Combine(Directory.CreateTempSubdirectory("streamio-download-").FullName, "notes.mp4");
        await File.WriteAllTextAsync(notVideo, "not a video");
        var failed = await Node.WaitForAsync((await Node.UploadOkAsync(notVideo)).Id, v => v.Status is "failed" or "ready");
        var failedUrl = $"{Node.BaseAddress}play/{failed.Id}/download.mp4?token={Uri.EscapeDataString(tokens.Issue(failed.Id, DateTimeOffset.UtcNow.AddHours(1), null))}";
        await AssertProblemAsync(await http.GetAsync(failedUrl), HttpStatusCode.Conflict, "made once it is ready");
    }

    [Fact]
    public async Task Bad_project_updates_are_refused()
    {
        using var admin = Node.CreateClient(StreamioNode.AdminKey);
        using var created = await admin.PostAsJsonAsync("/v1/projects", new { name = "Updates" });
        var path = $"/v1/projects/{(await created.Content.ReadFromJsonAsync<ProjectResponse>())!.Id}";
        foreach (var (json, detail) in new[]
        {
            ("{}", "Nothing to change"),
            ("{nope", "not valid JSON"),
            ("""{"mp4Downloads": "yes"}""", "not valid JSON"),
            ("""{"playbackOrigins": ["not an origin"]}""", "is not an origin"),
        })
        {
            await AssertProblemAsync(await admin.PatchAsync(path, new StringContent(json, Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, detail);
        }
        await AssertProblemAsync(await admin.PatchAsync("/v1/projects/p_nope", new StringContent("""{"mp4Downloads": true}""", Encoding.UTF8, "application/json")),
            HttpStatusCode.NotFound, "There is no project");
        using var both = await admin.PatchAsJsonAsync(path, new { playbackOrigins = new[] { "https://shop.example" }, mp4Downloads = true });
        var project = (await both.Content.ReadFromJsonAsync<ProjectResponse>())!;
        Assert.Equal(["https://shop.example"], project.PlaybackOrigins);
        Assert.True(project.Mp4Downloads);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(detail, await response.Content.ReadAsStringAsync());
        }
    }

    private static List<string> TopLevelBoxes(byte[] mp4)
    {
        var boxes = new List<string>();
        for (long offset = 0; offset + 8 <= mp4.Length;)
        {
            long size = (uint)((mp4[offset] << 24) | (mp4[offset + 1] << 16) | (mp4[offset + 2] << 8) | mp4[offset + 3]);
            boxes.Add(Encoding.ASCII.GetString(mp4, (int)offset + 4, 4));
            if (size == 1)
            {
                size = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(mp4.AsSpan((int)offset + 8, 8));
            }
            if (size < 8)
            {
                break;
            }
            offset += size;
        }
        return boxes;
    }

    private static async Task<string> RunAsync(string tool, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{tool} failed: {errors}");
        return output;
    }
}
