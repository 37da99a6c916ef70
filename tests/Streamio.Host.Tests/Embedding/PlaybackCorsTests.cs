using System.Net;
using System.Net.Http.Json;
using System.Text;
using Streamio.Host.Api;
using Streamio.Host.Tests.Web;

namespace Streamio.Host.Tests.Embedding;

/// <summary>Playback from other origins: CORS on playlists, keys and segments, and a project's allowed origins.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PlaybackCorsTests(BrowserFixture fixture)
{
    private StreamioNode Node => fixture.Node;

    [Fact]
    public async Task A_page_on_another_origin_plays_the_signed_stream_with_hls_js()
    {
        var video = await fixture.ReadyVideoAsync();
        var (site, _) = await EmbeddingSetup.SitesAsync();
        var playback = await EmbeddingSetup.PlaybackAsync(Node, video.Id);

        await using var browser = await fixture.OpenAsync(site.Publish(EmbeddingSetup.HlsPage(Node.BaseAddress, playback.Url)));
        await browser.Page.WaitForFunctionAsync("() => document.getElementById('v').currentTime > 3");
        Assert.Null(await browser.Page.EvaluateAsync<string?>("() => window.__status.fatal ?? null"));
        browser.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Playlists_keys_and_segments_answer_cross_origin_requests_and_preflights()
    {
        var video = await fixture.ReadyVideoAsync();
        var token = new Uri((await EmbeddingSetup.PlaybackAsync(Node, video.Id)).Url).Query;
        foreach (var path in new[] { $"/play/{video.Id}/master.m3u8", $"/play/{video.Id}/360p.m3u8", $"/play/{video.Id}/360p/0.ts", $"/keys/{video.Id}/360p" })
        {
            using var get = new HttpRequestMessage(HttpMethod.Get, path + token);
            get.Headers.Add("Origin", "https://anyone.example");
            using var answer = await Node.Http.SendAsync(get);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal("*", Header(answer, "Access-Control-Allow-Origin"));
            Assert.Contains("Content-Length", Header(answer, "Access-Control-Expose-Headers"));

            using var preflight = new HttpRequestMessage(HttpMethod.Options, path + token);
            preflight.Headers.Add("Origin", "https://anyone.example");
            preflight.Headers.Add("Access-Control-Request-Method", "GET");
            preflight.Headers.Add("Access-Control-Request-Headers", "range");
            using var preflighted = await Node.Http.SendAsync(preflight);
            Assert.Equal(HttpStatusCode.NoContent, preflighted.StatusCode);
            Assert.Equal("https://anyone.example", Header(preflighted, "Access-Control-Allow-Origin"));
            Assert.Contains("GET", Header(preflighted, "Access-Control-Allow-Methods"));
            Assert.Equal("range", Header(preflighted, "Access-Control-Allow-Headers"));
        }
    }

    [Fact]
    public async Task A_project_with_allowed_origins_plays_on_them_and_refuses_other_pages()
    {
        var restricted = await EmbeddingSetup.RestrictedAsync(fixture);
        var (allowed, other) = await EmbeddingSetup.SitesAsync();
        var playback = await EmbeddingSetup.PlaybackAsync(Node, restricted.Video.Id, restricted.Project);

        // Over HTTP: Origin, else Referer, decides; no origin at all (FFmpeg, native players) and Streamio's own pages pass.
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(playback.Url, origin: other.Origin));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(playback.Url, referer: other.Origin + "/watch?v=1"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(playback.Url, origin: "null"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(playback.Url, origin: allowed.Origin));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(playback.Url, referer: allowed.Origin + "/some/page"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(playback.Url));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(playback.Url, origin: Node.BaseAddress.GetLeftPart(UriPartial.Authority)));
        using (var refused = await SendAsync(playback.Url, origin: other.Origin))
        {
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Contains("not among its project's allowed playback origins", await refused.Content.ReadAsStringAsync());
            Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
        }
        using (var served = await SendAsync(playback.Url, origin: allowed.Origin))
        {
            Assert.Equal(allowed.Origin, Header(served, "Access-Control-Allow-Origin"));
            Assert.Contains("Origin", Header(served, "Vary"));
        }

        // In a browser: the allowed site plays, the other one gets 403 on the master playlist and never plays.
        await using (var good = await fixture.OpenAsync(allowed.Publish(EmbeddingSetup.HlsPage(Node.BaseAddress, playback.Url))))
        {
            await good.Page.WaitForFunctionAsync("() => document.getElementById('v').currentTime > 2");
        }
        await using var bad = await fixture.OpenAsync(other.Publish(EmbeddingSetup.HlsPage(Node.BaseAddress, playback.Url)));
        await bad.Page.WaitForFunctionAsync("() => window.__status.fatal");
        Assert.Equal(0, await bad.Page.EvaluateAsync<double>("() => document.getElementById('v').currentTime"));
        var refusedInBrowser = await bad.Page.EvaluateAsync<string>($"() => fetch({System.Text.Json.JsonSerializer.Serialize(playback.Url)}).then(r => 'read ' + r.status, e => 'blocked')");
        Assert.Equal("blocked", refusedInBrowser); // no CORS grant: the page cannot even read the refusal
    }

    [Fact]
    public async Task Playback_origins_are_set_by_the_admin_and_bad_ones_are_refused()
    {
        using var admin = Node.CreateClient(StreamioNode.AdminKey);
        using var created = await admin.PostAsJsonAsync("/v1/projects", new { name = "Origins" });
        var project = (await created.Content.ReadFromJsonAsync<ProjectResponse>())!;
        Assert.Empty(project.PlaybackOrigins);
        var path = $"/v1/projects/{project.Id}/playback-origins";

        using (var set = await admin.PutAsJsonAsync(path, new { origins = new[] { "https://App.Example.com/", "http://localhost:3000", "https://app.example.com:443" } }))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
            Assert.Equal(["https://app.example.com", "http://localhost:3000"], (await set.Content.ReadFromJsonAsync<ProjectResponse>())!.PlaybackOrigins);
        }
        Assert.Equal(["https://app.example.com", "http://localhost:3000"], (await admin.GetFromJsonAsync<ProjectResponse>($"/v1/projects/{project.Id}"))!.PlaybackOrigins);

        await AssertBadAsync(admin, path, "{nope", "not valid JSON");
        await AssertBadAsync(admin, path, "{}", "origins is required");
        await AssertBadAsync(admin, path, """{"origins": "https://a.example"}""", "not valid JSON");
        foreach (var bad in new[] { "app.example.com", "ftp://app.example.com", "https://app.example.com/path", "https://app.example.com?x=1", "https://user@app.example.com", "*" })
        {
            await AssertBadAsync(admin, path, System.Text.Json.JsonSerializer.Serialize(new { origins = new[] { bad } }), "is not an origin");
        }
        await AssertBadAsync(admin, path, System.Text.Json.JsonSerializer.Serialize(new { origins = Enumerable.Range(0, 101).Select(i => $"https://a{i}.example").ToArray() }), "At most 100");

        using (var missing = await admin.PutAsJsonAsync("/v1/projects/p_nope/playback-origins", new { origins = Array.Empty<string>() }))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }
        using (var notAdmin = await Node.Http.PutAsJsonAsync(path, new { origins = Array.Empty<string>() }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, notAdmin.StatusCode); // anonymous loopback callers act in a project, never as the admin
        }
        using var cleared = await admin.PutAsJsonAsync(path, new { origins = Array.Empty<string>() });
        Assert.Empty((await cleared.Content.ReadFromJsonAsync<ProjectResponse>())!.PlaybackOrigins);
    }

    private static async Task AssertBadAsync(HttpClient client, string path, string json, string detail)
    {
        using var response = await client.PutAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detail, await response.Content.ReadAsStringAsync());
    }

    private async Task<HttpResponseMessage> SendAsync(string url, string? origin = null, string? referer = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }
        if (referer is not null)
        {
            request.Headers.Referrer = new Uri(referer);
        }
        return await Node.Http.SendAsync(request);
    }

    private async Task<HttpStatusCode> StatusAsync(string url, string? origin = null, string? referer = null)
    {
        using var response = await SendAsync(url, origin, referer);
        return response.StatusCode;
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(", ", values) : "";
}
