using Microsoft.Playwright;
using Streamio.Host.Tests.Forensics;
using Streamio.Testing;

namespace Streamio.Host.Tests.Web;

/// <summary>The web app's forensic side: the option at upload, the state on the video page and the "who leaked this?" page.</summary>
[Collection(BrowserCollection.Name)]
public sealed class WebAppForensicsTests(BrowserFixture browser, ForensicFixture forensic) : IClassFixture<ForensicFixture>
{
    [Fact]
    public async Task The_video_page_shows_the_watermark_and_the_detector_names_the_viewer_of_an_uploaded_recording()
    {
        var leak = await forensic.LeakAsync("kim@example.com", new LeakDegradation(8.2, Kbps: 350));
        await using var open = await browser.OpenAsync($"/#/videos/{forensic.Video.Id}", baseAddress: forensic.Node.BaseAddress);
        var page = open.Page;

        var state = page.Locator("#forensic-state");
        await state.Filter(new() { HasText = "the 360p rung" }).WaitForAsync();
        await page.Locator("#forensic-detect-link").ClickAsync();
        await page.Locator("#forensic-heading").WaitForAsync();
        Assert.Equal(forensic.Video.Id, await page.GetByLabel("Video id").InputValueAsync());

        await page.Locator("#forensic-file").SetInputFilesAsync(leak);
        await page.Locator("#forensic-submit").ClickAsync();
        await page.Locator("#forensic-viewer").WaitForAsync(new() { Timeout = 120_000 });
        Assert.Equal("kim@example.com", await page.Locator("#forensic-viewer").TextContentAsync());
        Assert.Contains("kim@example.com", await page.Locator("#forensic-candidates tbody tr").First.TextContentAsync());
        await open.ScreenshotAsync("forensics.png");

        // A recording of another video: the page says why there is no match.
        var other = await LeakSimulator.RecordAsync(forensic.OtherClip, new LeakDegradation(2), Path.Combine(forensic.Folder, "web-other.mp4"));
        await page.Locator("#forensic-file").SetInputFilesAsync(other);
        await page.Locator("#forensic-submit").ClickAsync();
        await page.Locator("#forensic-verdict").Filter(new() { HasText = "does not line up" }).WaitForAsync(new() { Timeout = 120_000 });
        open.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task The_upload_form_can_ask_for_a_forensic_watermark()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 2));
        await using var open = await browser.OpenAsync("/#/upload", baseAddress: forensic.Node.BaseAddress);
        var page = open.Page;
        await page.GetByLabel("Forensic watermark").CheckAsync();
        await page.Locator("#upload-file").SetInputFilesAsync(clip);
        await page.Locator("#forensic-state").Filter(new() { HasText = "On:" }).WaitForAsync(new() { Timeout = 60_000 });
        var id = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        Assert.NotNull((await forensic.Node.GetVideoAsync(id)).Forensic);
    }
}
