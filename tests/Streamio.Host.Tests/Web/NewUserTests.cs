using Streamio.Testing;

namespace Streamio.Host.Tests.Web;

/// <summary>Small things a new user met: untitled uploads, and the page of a video that failed.</summary>
[Collection(BrowserCollection.Name)]
public sealed class NewUserTests(BrowserFixture fixture)
{
    private StreamioNode Node => fixture.Node;

    [Fact]
    public async Task An_upload_without_a_title_takes_the_file_name()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 2, Width: 320, Height: 180));
        var untitled = await Node.UploadOkAsync(clip, title: null, fileName: "Holiday in Lisbon.mp4");
        Assert.Equal("Holiday in Lisbon.mp4", untitled.Title);
        var blank = await Node.UploadOkAsync(clip, title: "  ", fileName: "C:\\Users\\me\\Videos\\beach.mp4");
        Assert.Equal("beach.mp4", blank.Title);
        var titled = await Node.UploadOkAsync(clip, title: "Given title", fileName: "ignored.mp4");
        Assert.Equal("Given title", titled.Title);
    }

    [Fact]
    public async Task A_failed_video_page_shows_the_error_instead_of_a_player()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("streamio-web-").FullName, "notes.mp4");
        await File.WriteAllTextAsync(path, "this is not a video, whatever its name says");
        var uploaded = await Node.UploadOkAsync(path, "Not a video");
        var failed = await Node.WaitForAsync(uploaded.Id, video => video.Status is "failed" or "ready");
        Assert.Equal("failed", failed.Status);

        await using var browser = await fixture.OpenAsync($"/#/videos/{uploaded.Id}");
        var page = browser.Page;
        await page.Locator("#video-status [data-status='failed']").WaitForAsync();
        Assert.Equal($"Encoding failed: {failed.Error}", await page.Locator("#video-error").TextContentAsync());
        Assert.True(await page.Locator(".player").IsHiddenAsync());
        Assert.True(await page.Locator(".controls").IsHiddenAsync());
        await browser.ScreenshotAsync("video-failed.png");
        browser.AssertNoConsoleErrors();
    }
}
