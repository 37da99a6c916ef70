using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using Streamio.Abstractions.Wire;
using Streamio.Host.Tests.Embedding;
using Streamio.Host.Tests.LiveStreams;
using Streamio.Testing;

namespace Streamio.Host.Tests.Web;

/// <summary>
/// DASH beside HLS for a live stream: a real publisher through the silo's publish handler, its CMAF twins served under a
/// dynamic MPD with a ClearKey license behind the live token; dash.js in headless Chromium plays it live from another
/// site while hls.js still plays the live HLS.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LiveDashPlaybackTests(BrowserFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly XNamespace Mpd = "urn:mpeg:dash:schema:mpd:2011";

    [Fact]
    public async Task Dashjs_plays_a_live_stream_through_its_clearkey_license_while_hlsjs_plays_its_hls()
    {
        await using var node = await LiveNode.StartAsync();
        var stream = await LiveStreamApiTests.CreateAsync(node.Http, new { title = "live dash", record = false });
        using var publisher = TestPublisher.Start(60);
        var run = LiveNode.PublishAsync(node, stream.Id, stream.StreamKey!, publisher);
        try
        {
            using var answer = await node.Http.PostAsync($"/v1/live-streams/{stream.Id}/playback", null);
            var playback = (await answer.Content.ReadFromJsonAsync<LivePlaybackResponse>())!;
            Assert.StartsWith(new Uri(node.BaseAddress, $"/live/{stream.Id}/manifest.mpd?token=").AbsoluteUri, playback.DashUrl);
            Assert.StartsWith(new Uri(node.BaseAddress, $"/live/{stream.Id}/license?token=").AbsoluteUri, playback.LicenseUrl);

            // The MPD answers once the first twins are stored: dynamic, anchored at the session's start, each set under its KID.
            var mpd = await MpdAsync(node, playback.DashUrl!);
            Assert.Equal("dynamic", (string?)mpd.Attribute("type"));
            Assert.NotNull(mpd.Attribute("availabilityStartTime"));
            Assert.Contains(playback.LicenseUrl!, mpd.Descendants().Where(e => e.Name.LocalName == "Laurl").Select(e => e.Value));
            var template = mpd.Descendants(Mpd + "SegmentTemplate").First();
            var number = (long)template.Attribute("startNumber")!;
            using (var segment = await node.Http.GetAsync(new Uri(new Uri(playback.DashUrl!), ((string)template.Attribute("media")!).Replace("$Number$", $"{number}", StringComparison.Ordinal))))
            {
                Assert.Equal(HttpStatusCode.OK, segment.StatusCode);
                Assert.Equal("public, max-age=31536000, immutable", segment.Headers.CacheControl?.ToString());
                Assert.Equal("moof"u8.ToArray(), (await segment.Content.ReadAsByteArrayAsync())[4..8]);
            }

            var (site, _) = await EmbeddingSetup.SitesAsync();
            var dashPage = site.Publish(DashBrowser.DashjsPage(node.BaseAddress, playback.DashUrl!, "Live DASH somewhere else"));
            await using (var browser = await fixture.OpenAsync(dashPage, width: 700, height: 420))
            {
                var licenses = DashBrowser.RecordLicenseRequests(browser);
                await browser.Page.ReloadAsync();

                // Playing, then three more seconds of it while the publisher goes on: new segments were fetched, decrypted and decoded.
                var started = await CurrentTimeAsync(browser, above: 0);
                var later = await CurrentTimeAsync(browser, above: started + 3);
                Assert.False(publisher.HasExited, "the stream should play while it is published");
                output.WriteLine($"dash.js: currentTime {started:0.00} → {later:0.00} s");
                Assert.Empty(await browser.Page.EvaluateAsync<string[]>("() => window.__status.errors"));
                lock (licenses)
                {
                    Assert.NotEmpty(licenses);
                    Assert.All(licenses, url => Assert.StartsWith(playback.LicenseUrl!, url, StringComparison.Ordinal));
                }
                browser.AssertNoConsoleErrors();
            }

            // hls.js still plays the live HLS of the same stream.
            await using (var browser = await fixture.OpenAsync(site.Publish(EmbeddingSetup.HlsPage(node.BaseAddress, playback.Url)), width: 700, height: 420))
            {
                var started = await CurrentTimeAsync(browser, above: 0);
                await CurrentTimeAsync(browser, above: started + 2);
                Assert.Null(await browser.Page.EvaluateAsync<string?>("() => window.__status.fatal || null"));
            }
        }
        finally
        {
            publisher.Dispose();
            await run.WaitAsync(TimeSpan.FromMinutes(1));
        }
    }

    [Fact]
    public async Task The_live_license_answers_only_a_token_of_its_stream_and_the_mpd_waits_for_a_session()
    {
        await using var node = await LiveNode.StartAsync();
        var stream = await LiveStreamApiTests.CreateAsync(node.Http, new { title = "license", record = false });
        var other = await LiveStreamApiTests.CreateAsync(node.Http, new { title = "other", record = false });
        var playback = await PlaybackAsync(node, stream.Id);
        var otherToken = new Uri((await PlaybackAsync(node, other.Id)).LicenseUrl!).Query;
        var kid = "AAECAwQFBgcICQoLDA0ODw";

        // No session yet: nothing to play over DASH, and the license has no key to give.
        using (var mpd = await node.Http.GetAsync(playback.DashUrl))
        {
            Assert.Equal(HttpStatusCode.NotFound, mpd.StatusCode);
            Assert.Contains("HLS", await mpd.Content.ReadAsStringAsync());
        }
        using (var answer = await LicenseAsync(node, playback.LicenseUrl!, kid))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            using var json = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
            Assert.Empty(json.RootElement.GetProperty("keys").EnumerateArray());
        }

        // No token, another stream's token, a tampered one: 403.
        var path = new Uri(playback.LicenseUrl!).GetLeftPart(UriPartial.Path);
        foreach (var url in new[] { path, path + otherToken, playback.LicenseUrl! + "x" })
        {
            using var refused = await LicenseAsync(node, url, kid);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        // A malformed request: 400.
        using var content = new StringContent("{\"kids\":[\"short\"]}", System.Text.Encoding.UTF8, "application/json");
        using var bad = await node.Http.PostAsync(playback.LicenseUrl, content);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    private static async Task<LivePlaybackResponse> PlaybackAsync(StreamioNode node, string liveStreamId)
    {
        using var answer = await node.Http.PostAsync($"/v1/live-streams/{liveStreamId}/playback", null);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return (await answer.Content.ReadFromJsonAsync<LivePlaybackResponse>())!;
    }

    private static Task<HttpResponseMessage> LicenseAsync(StreamioNode node, string url, string kid) => DashBrowser.LicenseAsync(node.Http, url, kid);

    /// <summary>The MPD, polled until the session has published its first twins.</summary>
    private static async Task<XElement> MpdAsync(StreamioNode node, string url)
    {
        var deadline = DateTimeOffset.UtcNow.AddMinutes(2);
        while (true)
        {
            using var response = await node.Http.GetAsync(url);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                Assert.Equal("application/dash+xml", response.Content.Headers.ContentType?.MediaType);
                return XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
            }
            Assert.True(DateTimeOffset.UtcNow < deadline, $"the MPD never came: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            await Task.Delay(250);
        }
    }

    /// <summary>The video's currentTime once it passes <paramref name="above"/> (polled, with a generous limit).</summary>
    private static async Task<double> CurrentTimeAsync(BrowserPage browser, double above)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var time = await browser.Page.EvaluateAsync<double>("() => document.getElementById('v').currentTime");
            if (time > above)
            {
                return time;
            }
            var state = await DashBrowser.PlayerStateAsync(browser);
            Assert.True(DateTime.UtcNow < deadline, $"currentTime never passed {above:0.00} ({state})");
            await Task.Delay(200);
        }
    }
}
