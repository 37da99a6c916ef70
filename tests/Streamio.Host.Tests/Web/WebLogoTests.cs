using System.Net;
using System.Net.Http.Headers;
using Streamio.Testing;

namespace Streamio.Host.Tests.Web;

/// <summary>The upload form's logo choice and the video page's note, in headless Chromium against a real node.</summary>
[Collection(BrowserCollection.Name)]
public sealed class WebLogoTests(BrowserFixture fixture)
{
    private StreamioNode Node => fixture.Node;

    [Fact]
    public async Task The_upload_form_can_leave_the_logo_out_and_the_video_page_says_when_it_is_drawn()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 2, Width: 320, Height: 180, WithAudio: false));
        using var temp = new TempDirectory("web-logo");
        var png = Path.Combine(temp.Path, "logo.png");
        await FfmpegTools.FfmpegAsync("-v", "error", "-f", "lavfi", "-i", "color=c=red:s=60x30", "-frames:v", "1", "-y", png);
        var content = new ByteArrayContent(await File.ReadAllBytesAsync(png));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using (var set = await Node.Http.PutAsync("/v1/projects/default/watermark", content))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }
        try
        {
            await using var browser = await fixture.OpenAsync("/");
            var page = browser.Page;
            Assert.True(await page.Locator("#upload-logo").IsCheckedAsync(), "the logo is drawn unless the uploader says otherwise");
            await page.Locator("#upload-logo").UncheckAsync();
            await page.Locator("#upload-file").SetInputFilesAsync(clip);
            var without = await WebAppTests.WaitForVideoPageAsync(page);
            Assert.False((await Node.GetVideoAsync(without)).Logo);

            var with = await Node.UploadOkAsync(clip, "With the logo");
            await page.GotoAsync($"/#/videos/{with.Id}");
            await page.WaitForFunctionAsync("() => document.querySelector('#video-meta').textContent.includes('project logo')");
            Assert.True((await Node.GetVideoAsync(with.Id)).Logo);
            browser.AssertNoConsoleErrors();
        }
        finally
        {
            await Node.Http.DeleteAsync("/v1/projects/default/watermark");
        }
    }
}
