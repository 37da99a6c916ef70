namespace Streamio.Host.Tests.Web;

/// <summary>The video page's watermark options: a watermarked stream plays in the page, and the server's refusals show.</summary>
[Collection(BrowserCollection.Name)]
public sealed class WatermarkWebTests(BrowserFixture fixture)
{
    [Fact]
    public async Task The_video_page_plays_a_watermarked_stream_and_shows_refusals()
    {
        var video = await fixture.ReadyVideoAsync();
        await using var browser = await fixture.OpenAsync($"/#/videos/{video.Id}");
        var page = browser.Page;
        await page.WaitForFunctionAsync("() => document.querySelector('#player').currentTime > 0.5");

        // A text the server refuses (a control character): its detail is shown, the plain stream keeps playing.
        await page.Locator("#watermark-text").FillAsync("tab\there");
        await page.Locator("#watermark-apply").ClickAsync();
        await page.Locator("#watermark-status.error").WaitForAsync();
        Assert.Contains("U+0009", await page.Locator("#watermark-status").TextContentAsync());
        Assert.Contains("/play/", await page.GetAttributeAsync("#player", "data-source"));

        await page.Locator("#watermark-text").FillAsync("web viewer");
        await page.Locator("#watermark-position").SelectOptionAsync("moving");
        await page.Locator("#watermark-opacity").FillAsync("0.8");
        await page.Locator("#watermark-size").FillAsync("32");
        await page.Locator("#watermark-apply").ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('#watermark-status').dataset.session");
        Assert.Contains("/watermarked/", await page.GetAttributeAsync("#player", "data-source"));
        // hls.js plays the watermarked stream from its start, past a few seconds, while it is being made.
        await page.WaitForFunctionAsync("() => document.querySelector('#player').currentTime > 3");
        Assert.Contains("web viewer", await page.Locator("#watermark-status").TextContentAsync());
        await browser.ScreenshotAsync("video-watermark.png");

        await page.Locator("#watermark-plain").ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('#player').dataset.source.includes('/play/')");
        browser.AssertNoConsoleErrors(message => message.Contains("400", StringComparison.Ordinal));
    }
}
