using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Streamio.Host.Tests.Web;

namespace Streamio.Host.Tests.Embedding;

/// <summary>The embed page in an iframe on someone else's site, the &lt;streamio-player&gt; element, and oEmbed.</summary>
[Collection(BrowserCollection.Name)]
public sealed class EmbedTests(BrowserFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
{
    private StreamioNode Node => fixture.Node;

    [Fact]
    public async Task The_embed_page_in_an_iframe_on_another_origin_plays_and_seeks_with_storyboard_previews()
    {
        var video = await fixture.ReadyVideoAsync();
        var (site, _) = await EmbeddingSetup.SitesAsync();
        var playback = await EmbeddingSetup.PlaybackAsync(Node, video.Id);
        var page = site.Publish($$"""
            <!doctype html><html><head><meta charset="utf-8"><title>A blog post</title>
            <style>body{font:16px system-ui;margin:2rem;background:#f4f1ea;color:#222} iframe{border:0;display:block}</style></head>
            <body><h1>A blog post with a video</h1><p>Someone else's site, embedding a Streamio video:</p>
            <iframe id="embed" src="{{playback.EmbedUrl}}&muted=1" width="640" height="400" allow="autoplay; fullscreen" allowfullscreen></iframe>
            <p>Text after the video.</p></body></html>
            """);
        await using var browser = await fixture.OpenAsync(page, width: 900, height: 620);
        var frame = browser.Page.FrameLocator("#embed");
        var player = frame.Locator(".streamio-player[data-state=ready]");
        await player.WaitForAsync();
        await frame.Locator(".sp-quality option").Nth(2).WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        Assert.Equal(["Auto", "240p", "360p"], await frame.Locator(".sp-quality option").AllTextContentsAsync());

        // Plays with the player's own button; the seek bar previews storyboard tiles.
        await frame.Locator(".sp-play").ClickAsync();
        var videoElement = frame.Locator("video");
        await WaitUntilAsync(videoElement, "v => v.currentTime > 1");
        var seek = frame.Locator(".sp-seek");
        var box = (await seek.BoundingBoxAsync())!;
        await browser.Page.Mouse.MoveAsync(box.X + box.Width * 0.7f, box.Y + box.Height / 2);
        await frame.Locator(".sp-preview:not([hidden])").WaitForAsync();
        Assert.Contains("storyboard.jpg?token=", await frame.Locator(".sp-tile").EvaluateAsync<string>("t => getComputedStyle(t).backgroundImage"));
        await browser.ScreenshotAsync("embed.png");

        // The keyboard seeks (→ is 5 s on), and so does the seek bar.
        await player.FocusAsync();
        await player.PressAsync("ArrowRight");
        await WaitUntilAsync(videoElement, "v => v.currentTime > 4");
        await seek.FillAsync("1");
        await WaitUntilAsync(videoElement, "v => v.currentTime >= 1 && v.currentTime < 4 && !v.seeking");
        if (await videoElement.EvaluateAsync<bool>("v => v.paused"))
        {
            await frame.Locator(".sp-play").ClickAsync(); // the 6 s clip may have ended meanwhile
        }
        await WaitUntilAsync(videoElement, "v => v.currentTime > 2");
        browser.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task The_embed_page_takes_autoplay_muted_loop_and_start_and_shows_why_it_cannot_play()
    {
        var video = await fixture.ReadyVideoAsync();
        var playback = await EmbeddingSetup.PlaybackAsync(Node, video.Id);
        await using var browser = await fixture.OpenAsync(playback.EmbedUrl + "&autoplay=1&muted=1&loop=1&start=3", width: 640, height: 360);
        var element = browser.Page.Locator("video");
        await WaitUntilAsync(element, "v => !v.paused && v.currentTime > 3.2");
        Assert.True(await element.EvaluateAsync<bool>("v => v.muted && v.loop"));
        Assert.Equal("Colour bars at sunset", await browser.Page.TitleAsync());
        // oEmbed discovery, for CMSs that fetch the page to learn how to expand it.
        var discovered = await browser.Page.Locator("link[type='application/json+oembed']").GetAttributeAsync("href");
        using var http = new HttpClient();
        using (var oembed = await http.GetAsync(discovered))
        {
            Assert.Equal(HttpStatusCode.OK, oembed.StatusCode);
            Assert.Contains("autoplay=1", (await oembed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("html").GetString());
        }
        browser.AssertNoConsoleErrors();

        foreach (var (query, detail) in new[] { ("&autoplay=yes", "autoplay must be"), ("&loop=2", "loop must be"), ("&start=-4", "start must be"), ("&start=soon", "start must be") })
        {
            using var bad = await http.GetAsync(playback.EmbedUrl + query);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
            Assert.Contains(detail, await bad.Content.ReadAsStringAsync());
        }
        await using var expired = await fixture.OpenAsync($"/embed/{video.Id}?token=garbage");
        Assert.Contains("not valid", await expired.Page.Locator("#embed-error").TextContentAsync());
    }

    [Fact]
    public async Task An_embed_opened_while_the_video_still_encodes_plays_from_near_the_start()
    {
        var clip = await Streamio.Testing.ClipFactory.GetAsync(new Streamio.Testing.ClipSpec(DurationSeconds: 16, Width: 640, Height: 360, Gop: 15));
        var uploaded = await Node.UploadOkAsync(clip, "Still encoding");
        await Node.WaitForAsync(uploaded.Id, video => video.Playable || video.Status == "failed");
        var playback = await EmbeddingSetup.PlaybackAsync(Node, uploaded.Id);
        await using var browser = await fixture.OpenAsync(playback.EmbedUrl + "&autoplay=1", width: 640, height: 360);
        var element = browser.Page.Locator("video");
        // While encoding the playlists are EVENT playlists, which hls.js would join at the live edge; the embed starts at 0.
        await WaitUntilAsync(element, "v => v.currentTime > 0.2");
        Assert.True(await element.EvaluateAsync<double>("v => v.currentTime") < 3);
        output.WriteLine($"the video was {await browser.Page.GetAttributeAsync(".streamio-player", "data-status")} when the embed loaded (informational: encoding is a race)");
        await WaitUntilAsync(element, "v => v.currentTime > 3");
        browser.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task The_embed_code_from_the_video_page_plays_on_another_site()
    {
        var video = await fixture.ReadyVideoAsync();
        var (site, _) = await EmbeddingSetup.SitesAsync();
        string code;
        await using (var app = await fixture.OpenAsync($"/#/videos/{video.Id}"))
        {
            await app.Page.WaitForFunctionAsync("() => document.querySelector('#embed-code').value.includes('/embed/')");
            code = await app.Page.Locator("#embed-code").InputValueAsync();
            Assert.Contains("link works until", await app.Page.Locator("#embed-hint").TextContentAsync());
            app.AssertNoConsoleErrors();
        }
        await using var browser = await fixture.OpenAsync(site.Publish($"<!doctype html><html><head><meta charset=\"utf-8\"><title>Pasted</title></head><body>{code}</body></html>"));
        var frame = browser.Page.FrameLocator("iframe");
        await frame.Locator(".streamio-player[data-state=ready]").WaitForAsync();
        await frame.Locator(".sp-play").ClickAsync();
        await WaitUntilAsync(frame.Locator("video"), "v => v.currentTime > 2");
        browser.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task The_streamio_player_element_plays_on_another_origin_without_an_iframe()
    {
        var video = await fixture.ReadyVideoAsync();
        var (site, _) = await EmbeddingSetup.SitesAsync();
        var playback = await EmbeddingSetup.PlaybackAsync(Node, video.Id);
        var page = site.Publish($$"""
            <!doctype html><html><head><meta charset="utf-8"><title>A shop</title>
            <script type="module" src="{{new Uri(Node.BaseAddress, "/js/streamio-player.js")}}"></script>
            <style>body{font:16px system-ui;margin:2rem} streamio-player{width:560px}</style></head>
            <body><h1>Product video</h1><streamio-player id="p" src="{{playback.EmbedUrl}}" autoplay muted></streamio-player></body></html>
            """);
        await using var browser = await fixture.OpenAsync(page, width: 800, height: 520);
        var element = browser.Page.Locator("#p video");
        await WaitUntilAsync(element, "v => v.currentTime > 3");
        Assert.Equal(["Auto", "240p", "360p"], await browser.Page.Locator("#p .sp-quality option").AllTextContentsAsync());
        await browser.ScreenshotAsync("embed-element.png");
        browser.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_project_with_allowed_origins_lets_only_them_frame_the_embed_page()
    {
        var restricted = await EmbeddingSetup.RestrictedAsync(fixture);
        var (allowed, other) = await EmbeddingSetup.SitesAsync();
        var playback = await EmbeddingSetup.PlaybackAsync(Node, restricted.Video.Id, restricted.Project);
        using var http = new HttpClient();
        using (var embed = await http.GetAsync(playback.EmbedUrl))
        {
            Assert.Equal($"frame-ancestors 'self' {allowed.Origin}", string.Join(' ', embed.Headers.GetValues("Content-Security-Policy")));
        }
        var video = await fixture.ReadyVideoAsync();
        using (var open = await http.GetAsync((await EmbeddingSetup.PlaybackAsync(Node, video.Id)).EmbedUrl))
        {
            Assert.Equal("frame-ancestors *", string.Join(' ', open.Headers.GetValues("Content-Security-Policy")));
        }

        string Page(string title) => $$"""
            <!doctype html><html><head><meta charset="utf-8"><title>{{title}}</title></head>
            <body><iframe id="embed" src="{{playback.EmbedUrl}}&autoplay=1&muted=1" width="480" height="300"></iframe></body></html>
            """;
        await using (var good = await fixture.OpenAsync(allowed.Publish(Page("allowed"))))
        {
            await WaitUntilAsync(good.Page.FrameLocator("#embed").Locator("video"), "v => v.currentTime > 1");
        }
        await using var bad = await fixture.OpenAsync(other.Publish(Page("not allowed")));
        // Chromium refuses to render the framed page (frame-ancestors): it never gets a player.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(0, await bad.Page.FrameLocator("#embed").Locator(".streamio-player").CountAsync());
    }

    [Fact]
    public async Task OEmbed_expands_an_embed_url_and_refuses_what_it_cannot()
    {
        var video = await fixture.ReadyVideoAsync();
        var playback = await EmbeddingSetup.PlaybackAsync(Node, video.Id);
        var answer = await Node.Http.GetFromJsonAsync<JsonElement>($"/oembed?url={Uri.EscapeDataString(playback.EmbedUrl)}&maxwidth=320");
        Assert.Equal("1.0", answer.GetProperty("version").GetString());
        Assert.Equal("video", answer.GetProperty("type").GetString());
        Assert.Equal("Colour bars at sunset", answer.GetProperty("title").GetString());
        Assert.Equal(320, answer.GetProperty("width").GetInt32());
        Assert.Equal(180, answer.GetProperty("height").GetInt32());
        Assert.Contains($"src=\"{System.Text.Encodings.Web.HtmlEncoder.Default.Encode(playback.EmbedUrl)}\"", answer.GetProperty("html").GetString());
        using (var thumbnail = await Node.Http.GetAsync(answer.GetProperty("thumbnail_url").GetString()))
        {
            Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
        }

        var expired = Node.Services.GetService(typeof(Streamio.Host.Playback.PlaybackTokens)) as Streamio.Host.Playback.PlaybackTokens;
        var expiredUrl = $"{Node.BaseAddress}embed/{video.Id}?token={Uri.EscapeDataString(expired!.Issue(video.Id, DateTimeOffset.UtcNow.AddSeconds(-5), null))}";
        foreach (var (query, status, detail) in new[]
        {
            ("", HttpStatusCode.BadRequest, "url is required"),
            ("?url=not%20a%20url", HttpStatusCode.BadRequest, "url is required"),
            ($"?url={Uri.EscapeDataString(playback.EmbedUrl)}&maxwidth=wide", HttpStatusCode.BadRequest, "maxwidth must be"),
            ($"?url={Uri.EscapeDataString(playback.EmbedUrl)}&maxheight=0", HttpStatusCode.BadRequest, "maxheight must be"),
            ($"?url={Uri.EscapeDataString("https://elsewhere.example/embed/" + video.Id)}", HttpStatusCode.NotFound, "not an embed URL of this Streamio"),
            ($"?url={Uri.EscapeDataString(playback.Url)}", HttpStatusCode.NotFound, "not an embed URL of this Streamio"),
            ($"?url={Uri.EscapeDataString(expiredUrl)}", HttpStatusCode.Forbidden, "expired"),
            ($"?url={Uri.EscapeDataString(playback.EmbedUrl)}&format=xml", HttpStatusCode.NotImplemented, "format=json"),
        })
        {
            using var response = await Node.Http.GetAsync("/oembed" + query);
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(detail, await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>Polls <paramref name="predicate"/> on the element (in whatever frame it lives) until it holds; fails after two minutes.</summary>
    private static async Task WaitUntilAsync(ILocator video, string predicate)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!await video.EvaluateAsync<bool>($"v => Boolean(({predicate})(v))"))
        {
            Assert.True(DateTime.UtcNow < deadline, $"never true: {predicate} (state: {await video.EvaluateAsync<string>("v => `t=${v.currentTime} paused=${v.paused} ready=${v.readyState} error=${v.error?.message}`")})");
            await Task.Delay(100);
        }
    }
}
