using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Streamio.Abstractions.Wire;
using Streamio.Host.Tests.Embedding;
using Streamio.Testing;

namespace Streamio.Host.Tests.Web;

/// <summary>
/// DASH beside HLS: a video uploaded through the API, once ready, has a CMAF presentation (an MPD whose segments are
/// CENC-encrypted under one key per rendition) and a ClearKey license server behind its playback token; dash.js in
/// headless Chromium plays it from another site, and hls.js plays the fMP4 HLS of the same segments.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DashPlaybackTests(BrowserFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly XNamespace Mpd = "urn:mpeg:dash:schema:mpd:2011";
    private static readonly XNamespace Cenc = "urn:mpeg:cenc:2013";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static PlaybackResponse? _twoRungs;

    private StreamioNode Node => fixture.Node;

    /// <summary>12 s at 480p: three rungs (240p to 480p) and the audio, three segments each, encoded by two chunk runs.</summary>
    private async Task<PlaybackResponse> TwoRungsAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_twoRungs is null)
            {
                var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 12, Width: 854, Height: 480, Gop: 15));
                var uploaded = await Node.UploadOkAsync(clip, "DASH clip");
                Assert.Equal("ready", (await Node.WaitForReadyAsync(uploaded.Id)).Status);
                _twoRungs = await EmbeddingSetup.PlaybackAsync(Node, uploaded.Id);
            }
            return _twoRungs;
        }
        finally
        {
            Gate.Release();
        }
    }

    [Fact]
    public async Task A_ready_video_answers_its_mpd_with_a_kid_per_rendition_and_a_timeline_of_every_segment()
    {
        var playback = await TwoRungsAsync();
        Assert.NotNull(playback.DashUrl);
        Assert.NotNull(playback.CmafHlsUrl);
        Assert.NotNull(playback.LicenseUrl);
        using var response = await Node.Http.GetAsync(playback.DashUrl);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/dash+xml", response.Content.Headers.ContentType?.MediaType);
        var mpd = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal("static", (string?)mpd.Attribute("type"));
        var representations = mpd.Descendants(Mpd + "Representation").ToList();
        // Every rung of the ladder at or under 480p, lowest first, then the audio.
        Assert.Equal(["240p", "360p", "480p", "audio"], representations.Select(r => (string?)r.Attribute("id")));
        foreach (var representation in representations)
        {
            // As many segments as its fMP4 HLS playlist (and its TS one) lists: the same time spans.
            var timeline = representation.Element(Mpd + "SegmentTemplate")!.Element(Mpd + "SegmentTimeline")!.Elements(Mpd + "S");
            var id = (string)representation.Attribute("id")!;
            var hls = await Node.Http.GetStringAsync(new Uri(new Uri(playback.CmafHlsUrl!), $"{id}.m3u8{new Uri(playback.CmafHlsUrl!).Query}"));
            var ts = await Node.Http.GetStringAsync(new Uri(new Uri(playback.Url), $"{id}.m3u8{new Uri(playback.Url).Query}"));
            var count = timeline.Sum(s => 1 + ((int?)s.Attribute("r") ?? 0));
            Assert.True(count >= 3, $"{id}: {count} segments");
            Assert.Equal(Count(hls, "#EXTINF"), count);
            Assert.Equal(Count(ts, "#EXTINF"), count);
        }
        Assert.Equal(representations.Count, (await KeyIdsAsync(playback)).Distinct().Count());
        Assert.Contains(playback.LicenseUrl!, mpd.Descendants().Where(e => e.Name.LocalName == "Laurl").Select(e => e.Value));

        // Stored segments are served like the TS ones: immutable, cacheable, CENC (no AES-128 on top: they start with moof).
        var template = representations[0].Element(Mpd + "SegmentTemplate")!;
        var baseUri = new Uri(playback.DashUrl!);
        using var segment = await Node.Http.GetAsync(new Uri(baseUri, ((string)template.Attribute("media")!).Replace("$Number$", "2", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.OK, segment.StatusCode);
        Assert.Contains("immutable", segment.Headers.CacheControl?.ToString());
        Assert.Equal("moof"u8.ToArray(), (await segment.Content.ReadAsByteArrayAsync())[4..8]);
        using var init = await Node.Http.GetAsync(new Uri(baseUri, (string)template.Attribute("initialization")!));
        Assert.Equal("ftyp"u8.ToArray(), (await init.Content.ReadAsByteArrayAsync())[4..8]);
    }

    [Fact]
    public async Task Dashjs_is_served_to_other_sites_but_the_web_app_does_not_load_it()
    {
        using var library = await Node.Http.GetAsync("/lib/dash.js");
        Assert.Equal(HttpStatusCode.OK, library.StatusCode);
        Assert.Equal("*", library.Headers.GetValues("Access-Control-Allow-Origin").Single());
        using var config = JsonDocument.Parse(await Node.Http.GetStringAsync("/v1/config"));
        var libraries = config.RootElement.GetProperty("libraries");
        Assert.True(libraries.GetProperty("available").GetBoolean());
        Assert.False(libraries.GetProperty("urls").TryGetProperty("dash.js", out _));
    }

    [Fact]
    public async Task The_license_server_answers_the_videos_keys_to_its_token_only()
    {
        var playback = await TwoRungsAsync();
        var kids = await KeysOf(playback);
        var other = await EmbeddingSetup.PlaybackAsync(Node, (await fixture.ReadyVideoAsync()).Id);
        var otherKids = await KeysOf(other);

        // Its own KID: the keys of all its renditions (one request serves every rung), each one that decrypts.
        using (var answer = await LicenseAsync(playback.LicenseUrl!, kids[0]))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            using var json = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
            Assert.Equal("temporary", json.RootElement.GetProperty("type").GetString());
            var keys = json.RootElement.GetProperty("keys").EnumerateArray().ToList();
            Assert.Equal(kids.Order(), keys.Select(key => key.GetProperty("kid").GetString()!).Order());
            Assert.All(keys, key => Assert.Equal("oct", key.GetProperty("kty").GetString()));
            Assert.All(keys, key => Assert.Equal(22, key.GetProperty("k").GetString()!.Length));
            Assert.Equal("*", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        }

        // Another video's KID with this token: nothing.
        using (var answer = await LicenseAsync(playback.LicenseUrl!, otherKids[0]))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            using var json = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
            Assert.Empty(json.RootElement.GetProperty("keys").EnumerateArray());
        }

        // No token, a token of another video, a tampered token: 403 and no key bytes.
        var path = new Uri(playback.LicenseUrl!).GetLeftPart(UriPartial.Path);
        var otherToken = new Uri(other.LicenseUrl!).Query;
        foreach (var url in new[] { path, path + otherToken, playback.LicenseUrl! + "x" })
        {
            using var refused = await LicenseAsync(url, kids[0]);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.DoesNotContain("\"k\"", await refused.Content.ReadAsStringAsync());
        }

        // Malformed requests: 400 saying what to send.
        foreach (var body in new[] { "not json", "{}", "{\"kids\":[\"short\"]}" })
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var bad = await Node.Http.PostAsync(playback.LicenseUrl, content);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }
    }

    [Fact]
    public async Task Dashjs_plays_the_mpd_on_another_site_through_the_clearkey_license_in_headless_chromium()
    {
        var playback = await TwoRungsAsync();
        var (site, _) = await EmbeddingSetup.SitesAsync();
        var page = site.Publish(DashBrowser.DashjsPage(Node.BaseAddress, playback.DashUrl!, "DASH somewhere else"));
        await using var browser = await fixture.OpenAsync(page, width: 700, height: 420);
        var licenses = DashBrowser.RecordLicenseRequests(browser);
        await browser.Page.ReloadAsync();

        // Past two segment boundaries (4 s each): the second and third segments were fetched, decrypted and decoded.
        await WaitUntilAsync(browser, "() => document.getElementById('v').currentTime > 9");
        Assert.Empty(await browser.Page.EvaluateAsync<string[]>("() => window.__status.errors"));
        Assert.Null(await browser.Page.EvaluateAsync<string?>("() => document.getElementById('v').error && document.getElementById('v').error.message"));
        lock (licenses)
        {
            Assert.NotEmpty(licenses);
            Assert.All(licenses, url => Assert.StartsWith(playback.LicenseUrl!, url, StringComparison.Ordinal));
        }
        browser.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Hlsjs_plays_the_fmp4_hls_of_the_same_segments_with_clearkey_over_eme()
    {
        var playback = await TwoRungsAsync();
        var (site, _) = await EmbeddingSetup.SitesAsync();
        var page = site.Publish($$"""
            <!doctype html><html><head><meta charset="utf-8"><title>fMP4 HLS somewhere else</title>
            <script src="{{new Uri(Node.BaseAddress, "/lib/hls.js")}}"></script></head>
            <body><video id="v" muted playsinline width="640" height="360"></video>
            <script>
              window.__status = { errors: [] };
              const video = document.getElementById('v');
              const hls = new Hls({ emeEnabled: true, drmSystems: { 'org.w3.clearkey': { licenseUrl: {{JsonSerializer.Serialize(playback.LicenseUrl)}} } } });
              hls.on(Hls.Events.ERROR, (_, data) => { window.__status.errors.push(data.details + (data.fatal ? ' (fatal)' : '')); });
              hls.on(Hls.Events.MANIFEST_PARSED, () => video.play());
              hls.loadSource({{JsonSerializer.Serialize(playback.CmafHlsUrl)}});
              hls.attachMedia(video);
            </script></body></html>
            """);
        await using var browser = await fixture.OpenAsync(page, width: 700, height: 420);
        var licenses = DashBrowser.RecordLicenseRequests(browser);
        await browser.Page.ReloadAsync();
        await WaitUntilAsync(browser, "() => document.getElementById('v').currentTime > 9");
        lock (licenses)
        {
            Assert.NotEmpty(licenses);
        }
        var errors = await browser.Page.EvaluateAsync<string[]>("() => window.__status.errors");
        output.WriteLine($"hls.js non-fatal events: {string.Join(", ", errors)}");
        Assert.DoesNotContain(errors, error => error.EndsWith("(fatal)", StringComparison.Ordinal));
    }

    private static int Count(string text, string what) => text.Split('\n').Count(line => line.StartsWith(what, StringComparison.Ordinal));

    private static async Task WaitUntilAsync(BrowserPage browser, string predicate)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!await browser.Page.EvaluateAsync<bool>($"() => Boolean(({predicate})())"))
        {
            var state = await DashBrowser.PlayerStateAsync(browser);
            Assert.True(DateTime.UtcNow < deadline, $"never true: {predicate} ({state})");
            await Task.Delay(200);
        }
    }

    /// <summary>The base64url KIDs of a video's representations, read from its MPD.</summary>
    private async Task<List<string>> KeysOf(PlaybackResponse playback) =>
        (await KeyIdsAsync(playback)).Select(uuid => Convert.ToBase64String(Convert.FromHexString(uuid.Replace("-", "", StringComparison.Ordinal)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_')).Distinct().ToList();

    private async Task<List<string>> KeyIdsAsync(PlaybackResponse playback)
    {
        var mpd = XDocument.Parse(await Node.Http.GetStringAsync(playback.DashUrl));
        return mpd.Descendants(Mpd + "ContentProtection").Select(cp => (string?)cp.Attribute(Cenc + "default_KID")).OfType<string>().ToList();
    }

    private Task<HttpResponseMessage> LicenseAsync(string url, string kid) => DashBrowser.LicenseAsync(Node.Http, url, kid);
}
