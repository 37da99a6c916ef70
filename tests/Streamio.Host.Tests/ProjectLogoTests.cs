using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Streamio.Abstractions.Wire;
using Streamio.Host.Api;
using Streamio.Host.Tests.Tus;
using Streamio.Testing;
using static Streamio.Host.Tests.SecuredNodeFixture;

namespace Streamio.Host.Tests;

/// <summary>A project's logo, from PUT /v1/projects/{id}/watermark to every frame a player decodes.</summary>
[Collection(SecuredNodeCollection.Name)]
public sealed class ProjectLogoTests(SecuredNodeFixture fixture)
{
    private static readonly ClipSpec Clip = new(DurationSeconds: 4, Width: 640, Height: 360, Gop: 25);

    // The top-right quarter-width corner where a 25%-wide logo sits, on any rung (expressions of the frame size).
    private const string TopRight = "iw*0.2:ih*0.15:iw*0.77:ih*0.06";

    private static bool IsRed((byte R, byte G, byte B) color) => color.R > 200 && color.G < 60 && color.B < 60;

    private static async Task<byte[]> PngAsync(string color, string size)
    {
        using var temp = new TempDirectory("logo");
        var path = Path.Combine(temp.Path, "logo.png");
        await FfmpegTools.FfmpegAsync("-v", "error", "-f", "lavfi", "-i", $"color=c={color}:s={size}", "-frames:v", "1", "-y", path);
        return await File.ReadAllBytesAsync(path);
    }

    private static Task<HttpResponseMessage> PutLogoAsync(HttpClient http, string projectId, byte[] png, string query = "", string contentType = "image/png")
    {
        var content = new ByteArrayContent(png);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return http.PutAsync($"/v1/projects/{projectId}/watermark{query}", content);
    }

    private async Task<VideoResponse> UploadAsync(TestProject project, string? logo)
    {
        var clip = await ClipFactory.GetAsync(Clip);
        using var form = new MultipartFormDataContent { { new StreamContent(File.OpenRead(clip)), "file", "clip.mp4" } };
        if (logo is not null)
        {
            form.Add(new StringContent(logo), "logo");
        }
        using var response = await project.Http.PostAsync("/v1/videos", form);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var created = (await response.Content.ReadFromJsonAsync<VideoResponse>())!;
        return await fixture.Node.WaitForReadyAsync(created.Id, project.Http);
    }

    private static async Task<string> PlaybackUrlAsync(TestProject project, string videoId)
    {
        using var response = await project.Http.PostAsJsonAsync($"/v1/videos/{videoId}/playback", new { });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<PlaybackResponse>())!.Url;
    }

    [Fact]
    public async Task A_projects_logo_is_in_every_frame_of_every_rendition_a_player_decodes_and_stays_with_the_video()
    {
        var project = await fixture.NewProjectAsync("logo");
        using (var put = await PutLogoAsync(project.Http, project.Id, await PngAsync("red", "200x100"), "?position=top-right&scale=0.25&opacity=1"))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            var logo = (await put.Content.ReadFromJsonAsync<LogoResponse>())!;
            Assert.Equal(("top-right", 0.25, 1.0, 200, 100), (logo.Position, logo.Scale, logo.Opacity, logo.Width, logo.Height));
            var image = await project.Http.GetAsync(logo.ImageUrl);
            Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        }

        var video = await UploadAsync(project, logo: null);
        Assert.Equal("ready", video.Status);
        Assert.True(video.Logo);
        var url = await PlaybackUrlAsync(project, video.Id);
        var rungs = video.Renditions.Count(rendition => rendition.Name != "audio");
        Assert.True(rungs >= 2, "the clip makes a ladder of several rungs");
        for (var rung = 0; rung < rungs; rung++)
        {
            var corner = await MediaInspector.RegionColorsAsync(url, TopRight, $"v:{rung}");
            Assert.InRange(corner.Count, Clip.FrameCount - 1, Clip.FrameCount + 1);
            Assert.All(corner, color => Assert.True(IsRed(color), $"rung {rung}: {color} is not the red logo"));
        }

        // The project moves on; the video keeps the logo it was made with.
        using (var removed = await project.Http.DeleteAsync($"/v1/projects/{project.Id}/watermark"))
        {
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        }
        Assert.True((await fixture.Node.GetVideoAsync(video.Id, project.Http)).Logo);
        await ProblemAsync(await project.Http.GetAsync($"/v1/projects/{project.Id}/watermark"), HttpStatusCode.NotFound);
        var later = await UploadAsync(project, logo: null);
        Assert.False(later.Logo);
    }

    [Fact]
    public async Task A_video_can_opt_out_of_the_logo_at_upload_by_form_upload_url_or_tus()
    {
        var project = await fixture.NewProjectAsync("logo opt-out");
        using (var put = await PutLogoAsync(project.Http, project.Id, await PngAsync("red", "200x100"), "?scale=0.25&opacity=1"))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var plain = await UploadAsync(project, logo: "false");
        Assert.False(plain.Logo);
        var url = await PlaybackUrlAsync(project, plain.Id);
        Assert.Contains(await MediaInspector.RegionColorsAsync(url, TopRight), color => !IsRed(color));

        // Upload URL: the choice is made when the URL is asked for.
        var clip = await ClipFactory.GetAsync(Clip);
        using var intent = await project.Http.PostAsJsonAsync("/v1/uploads", new { filename = "clip.mp4", logo = false });
        var upload = (await intent.Content.ReadFromJsonAsync<UploadResponse>())!;
        using (var put = await UploadClient.PutFileAsync(upload, clip))
        {
            Assert.True(put.IsSuccessStatusCode);
        }
        using (var complete = await project.Http.PostAsync($"/v1/uploads/{upload.UploadId}/complete", null))
        {
            Assert.True(complete.IsSuccessStatusCode, await complete.Content.ReadAsStringAsync());
        }
        Assert.False((await fixture.Node.GetVideoAsync(upload.VideoId, project.Http)).Logo);

        // tus: the "logo" metadata key.
        var bytes = await File.ReadAllBytesAsync(clip);
        var tus = await TusRequests.CreateAsync(project.Http, bytes.Length, $"filename {B64("clip.mp4")},logo {B64("false")}");
        using (var patch = await TusRequests.SendPatchAsync(project.Http, tus, 0, bytes))
        {
            Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
        }
        // The finished tus upload becomes the project's third video.
        using var listed = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        VideoResponse? viaTus;
        while ((viaTus = (await project.Http.GetFromJsonAsync<VideoPage>("/v1/videos?limit=100"))!.Items
            .FirstOrDefault(video => video.Id != plain.Id && video.Id != upload.VideoId)) is null)
        {
            await Task.Delay(100, listed.Token);
        }
        Assert.False(viaTus.Logo);
    }

    [Fact]
    public async Task Bad_logos_and_bad_settings_get_a_clear_4xx_and_change_nothing()
    {
        var project = await fixture.NewProjectAsync("bad logos");
        var other = await fixture.NewProjectAsync("someone else");
        var png = await PngAsync("blue", "40x20");
        var path = $"/v1/projects/{project.Id}/watermark";

        Assert.Contains("not a PNG", await ProblemAsync(await PutLogoAsync(project.Http, project.Id, "GIF89a........"u8.ToArray()), HttpStatusCode.BadRequest));
        byte[] broken = [.. png.Take(33), .. Enumerable.Repeat((byte)0x5A, 100)];
        Assert.Contains("cannot be decoded", await ProblemAsync(await PutLogoAsync(project.Http, project.Id, broken), HttpStatusCode.BadRequest));
        byte[] huge = [.. png, .. new byte[ProjectLogoEndpoints.MaxLogoBytes]];
        Assert.Contains("KiB", await ProblemAsync(await PutLogoAsync(project.Http, project.Id, huge), HttpStatusCode.RequestEntityTooLarge));
        byte[] wide = [.. png];
        wide[16..20].AsSpan().Clear();
        wide[18] = 0x30; // 12288 pixels wide in the header
        Assert.Contains("4096", await ProblemAsync(await PutLogoAsync(project.Http, project.Id, wide), HttpStatusCode.BadRequest));
        Assert.Contains("top-left", await ProblemAsync(await PutLogoAsync(project.Http, project.Id, png, "?position=middle"), HttpStatusCode.BadRequest));
        Assert.Contains("scale", await ProblemAsync(await PutLogoAsync(project.Http, project.Id, png, "?scale=0.9"), HttpStatusCode.BadRequest));
        Assert.Contains("opacity", await ProblemAsync(await PutLogoAsync(project.Http, project.Id, png, "?opacity=abc"), HttpStatusCode.BadRequest));
        Assert.Contains("image/png", await ProblemAsync(await PutLogoAsync(project.Http, project.Id, png, contentType: "application/json"), HttpStatusCode.BadRequest));
        using (var noImage = new MultipartFormDataContent { { new StringContent("top-left"), "position" } })
        {
            Assert.Contains("'image'", await ProblemAsync(await project.Http.PutAsync(path, noImage), HttpStatusCode.BadRequest));
        }
        // Another project's key, an unknown project, no credentials.
        Assert.Contains(project.Id, await ProblemAsync(await PutLogoAsync(other.Http, project.Id, png), HttpStatusCode.Forbidden));
        await ProblemAsync(await other.Http.GetAsync(path), HttpStatusCode.Forbidden);
        await ProblemAsync(await PutLogoAsync(fixture.Admin, "p_nope", png), HttpStatusCode.NotFound);
        using (var anonymous = fixture.Node.CreateClient(null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await PutLogoAsync(anonymous, project.Id, png)).StatusCode);
        }
        // Nothing was set by any of it.
        Assert.Contains("no logo", await ProblemAsync(await project.Http.GetAsync(path), HttpStatusCode.NotFound));
        await ProblemAsync(await project.Http.DeleteAsync(path), HttpStatusCode.NotFound);

        // A bad choice at upload is refused before anything is stored.
        var clip = await ClipFactory.GetAsync(Clip);
        using var form = new MultipartFormDataContent { { new StreamContent(File.OpenRead(clip)), "file", "clip.mp4" }, { new StringContent("maybe"), "logo" } };
        Assert.Contains("logo must be true or false", await ProblemAsync(await project.Http.PostAsync("/v1/videos", form), HttpStatusCode.BadRequest));
        using var tus = TusRequests.Request(HttpMethod.Post, "/v1/tus");
        tus.Headers.Add("Upload-Length", "10");
        tus.Headers.Add("Upload-Metadata", $"logo {B64("sometimes")}");
        Assert.Contains("logo must be true or false", await ProblemAsync(await project.Http.SendAsync(tus), HttpStatusCode.BadRequest));
        Assert.Empty((await project.Http.GetFromJsonAsync<VideoPage>("/v1/videos"))!.Items);

        // The multipart form and the admin key work too, and the answer is the settings.
        using var good = new MultipartFormDataContent
        {
            { new ByteArrayContent(png), "image", "logo.png" }, { new StringContent("bottom-left"), "position" }, { new StringContent("0.1"), "scale" },
        };
        using var set = await fixture.Admin.PutAsync(path, good);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var logo = (await set.Content.ReadFromJsonAsync<LogoResponse>())!;
        Assert.Equal(("bottom-left", 0.1, ProjectLogoEndpoints.DefaultOpacity, 40, 20), (logo.Position, logo.Scale, logo.Opacity, logo.Width, logo.Height));
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
