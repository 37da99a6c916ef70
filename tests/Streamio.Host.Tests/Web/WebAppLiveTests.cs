using Microsoft.Extensions.DependencyInjection;
using Streamio.Host.Tests.LiveStreams;
using Streamio.Testing;

namespace Streamio.Host.Tests.Web;

/// <summary>The Live pages in headless Chromium: create a stream, read the go-live settings, then watch it go live and play.</summary>
[Collection(BrowserCollection.Name)]
public sealed class WebAppLiveTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_stream_created_on_the_live_page_shows_how_to_go_live_then_the_live_badge_latency_and_the_player()
    {
        await using var node = await LiveNode.StartAsync();
        await using var browser = await fixture.OpenAsync("/#/live", baseAddress: node.BaseAddress);
        var page = browser.Page;

        await page.GetByLabel("Title").FillAsync("Launch party");
        await page.Locator("#live-create-button").ClickAsync();
        await page.Locator("#live-stream-heading").Filter(new() { HasText = "Launch party" }).WaitForAsync();
        var id = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        Assert.StartsWith("ls_", id);

        // Go live: the RTMP server and SRT URL in full, the key hidden until asked, each with a copy button.
        var rtmpPort = node.Services.GetRequiredService<Streamio.Ingest.Rtmp.RtmpIngestServer>().LocalEndPoint!.Port;
        Assert.Equal($"rtmp://{node.BaseAddress.Host}:{rtmpPort}/live", await page.Locator("#live-rtmp-url").InputValueAsync());
        Assert.Equal("password", await page.Locator("#live-stream-key").GetAttributeAsync("type"));
        var key = await page.Locator("#live-stream-key").InputValueAsync();
        var srtPort = node.Services.GetRequiredService<Streamio.Ingest.Srt.SrtIngestServer>().BoundPort;
        Assert.StartsWith($"srt://{node.BaseAddress.Host}:{srtPort}?streamid=", await page.Locator("#live-srt-url").InputValueAsync());
        Assert.Equal(3, await page.Locator("[data-copy]").CountAsync());
        Assert.Equal("idle", await page.Locator("#live-status").TextContentAsync());

        using var publisher = TestPublisher.Start(15);
        var run = LiveNode.PublishAsync(node, id, key, publisher);

        // Over SignalR: the LIVE badge and a latency; the player (hls.js, token from /playback) plays.
        try
        {
            await page.Locator("[data-live-status=live]").Filter(new() { HasText = "LIVE" }).WaitForAsync();
        }
        catch (TimeoutException)
        {
            Assert.Fail($"no LIVE badge; the page shows '{await page.Locator("#live-status").TextContentAsync()}', the API: {await node.Http.GetStringAsync($"/v1/live-streams/{id}")}");
        }
        await page.Locator("#live-latency").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex(@"^\d+\.\d s$") }).WaitForAsync();
        try
        {
            await page.WaitForFunctionAsync("() => document.getElementById('live-video').currentTime > 1", null, new() { Timeout = 60_000 });
        }
        catch (TimeoutException)
        {
            var state = await page.EvaluateAsync<string>(
                "() => { const v = document.getElementById('live-video'); const b = [...Array(v.buffered.length).keys()].map(i => `${v.buffered.start(i)}-${v.buffered.end(i)}`); " +
                "return `currentTime ${v.currentTime}, readyState ${v.readyState}, paused ${v.paused}, error ${v.error?.message}, buffered [${b}], message '${document.getElementById('live-player-message').textContent}'`; }");
            Assert.Fail($"the live player did not play: {state}; the API: {await node.Http.GetStringAsync($"/v1/live-streams/{id}")}");
        }
        await page.Locator("#live-behind").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex("behind the live edge") }).WaitForAsync();
        await browser.ScreenshotAsync("live-stream.png");

        publisher.Dispose();
        await run.WaitAsync(TimeSpan.FromMinutes(1));
        await page.Locator("#live-status").Filter(new() { HasText = "ended" }).WaitForAsync();
        browser.AssertNoConsoleErrors();
    }
}
