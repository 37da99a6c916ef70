using System.Net;
using Streamio.Testing;

namespace Streamio.Host.Tests.Web;

/// <summary>The web app on a node with anonymous access off (as every Kubernetes deployment runs): it asks for a key.</summary>
[Collection(BrowserCollection.Name)]
public sealed class WebAppKeyTests(BrowserFixture fixture)
{
    [Fact]
    public async Task With_anonymous_access_off_the_page_asks_for_a_key_and_then_works_in_that_project_only()
    {
        await using var node = await StreamioNode.StartAsync(SecuredNodeFixture.Secure);
        using var admin = node.CreateClient(SecuredNodeFixture.AdminKey);
        var mine = await SecuredNodeFixture.NewProjectAsync(node, admin, "Mine");
        var theirs = await SecuredNodeFixture.NewProjectAsync(node, admin, "Theirs");
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 3, Width: 640, Height: 360, Gop: 15));
        var listed = await node.UploadOkAsync(clip, "Already in my project", client: mine.Http);
        var foreign = await node.UploadOkAsync(clip, "Someone else's", client: theirs.Http);
        await node.WaitForReadyAsync(listed.Id, mine.Http);

        // What the page needs before it has a key stays open.
        using var anonymous = node.CreateClient(null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/v1/config")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/lib/hls.js")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/v1/videos")).StatusCode);

        await using var browser = await fixture.OpenAsync("/", baseAddress: node.BaseAddress);
        var page = browser.Page;
        var problem = page.Locator("#key-problem");
        var keyInput = page.GetByLabel("API key", new() { Exact = true });
        await problem.Filter(new() { HasText = "needs an API key" }).WaitForAsync();
        Assert.Equal("password", await keyInput.GetAttributeAsync("type"));
        Assert.Equal("api-key", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        Assert.True(await page.Locator("#forget-key").IsHiddenAsync());
        await browser.ScreenshotAsync("api-key.png");

        // A wrong key: refused, with the server's reason.
        await keyInput.FillAsync("sk_notakey_0000000000000000");
        await page.Locator("#key-save").ClickAsync();
        await problem.Filter(new() { HasText = "The API key is not valid" }).WaitForAsync();

        // The project's key: its library, with thumbnails fetched with the key.
        var sockets = new List<string>();
        var liveFrames = 0;
        page.WebSocket += (_, socket) =>
        {
            lock (sockets)
            {
                sockets.Add(socket.Url);
            }
            socket.FrameReceived += (_, frame) =>
            {
                if (frame.Text?.Contains("\"videoUpdated\"", StringComparison.Ordinal) == true)
                {
                    Interlocked.Increment(ref liveFrames);
                }
            };
        };
        // hls.js fetches playlists, AES keys and segments with the playback token only, never the API key.
        var playbackRequests = new List<(string Path, bool SentKey)>();
        page.Request += (_, request) =>
        {
            var path = new Uri(request.Url).AbsolutePath;
            if (path.StartsWith("/play/", StringComparison.Ordinal) || path.StartsWith("/keys/", StringComparison.Ordinal))
            {
                lock (playbackRequests)
                {
                    playbackRequests.Add((path, request.Headers.ContainsKey("x-api-key") || request.Headers.ContainsKey("authorization")));
                }
            }
        };
        await keyInput.FillAsync(mine.Key);
        await page.Locator("#key-save").ClickAsync();
        var card = page.Locator($"#library-grid .card[data-video-id='{listed.Id}']");
        await card.WaitForAsync();
        await page.WaitForFunctionAsync("() => { const img = document.querySelector('#library-grid .card img'); return img && img.complete && img.naturalWidth > 0; }");
        Assert.StartsWith("blob:", await card.Locator("img").GetAttributeAsync("src"));
        Assert.Equal(1, await page.Locator("#library-grid .card").CountAsync());
        Assert.True(await page.Locator("#forget-key").IsVisibleAsync());

        // Upload through the page: live progress over the hub (with the key), then playback from the tokenized URL.
        await page.Locator("#upload-title").FillAsync("Uploaded with a key");
        await page.Locator("#upload-file").SetInputFilesAsync(clip);
        var uploaded = await WebAppTests.WaitForVideoPageAsync(page);
        await page.WaitForFunctionAsync("() => document.querySelector('#player').dataset.startedWhile && document.querySelector('#player').currentTime > 0.5");
        await page.Locator("#video-status [data-status='ready']").WaitForAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('#player').poster.startsWith('blob:')");
        // The storyboard sprite on the seek bar, too (pointer moves until its cues have loaded).
        await page.WaitForFunctionAsync("""
            () => {
              const seek = document.querySelector('#seek'), box = seek.getBoundingClientRect();
              seek.dispatchEvent(new PointerEvent('pointermove', { clientX: box.left + box.width * 0.6, clientY: box.top + 2, bubbles: true }));
              return !document.querySelector('#seek-preview').hidden && getComputedStyle(document.querySelector('.preview-tile')).backgroundImage.includes('blob:');
            }
            """);
        Assert.True(liveFrames >= 1, "no videoUpdated frame arrived over the WebSocket");
        lock (sockets)
        {
            Assert.Contains(sockets, url => url.Contains("/hubs/videos", StringComparison.Ordinal) && url.Contains("access_token=", StringComparison.Ordinal));
        }
        Assert.Equal("Uploaded with a key", (await node.GetVideoAsync(uploaded, mine.Http)).Title);
        lock (playbackRequests)
        {
            Assert.Contains(playbackRequests, request => request.Path.EndsWith(".ts", StringComparison.Ordinal));
            Assert.Contains(playbackRequests, request => request.Path.StartsWith("/keys/", StringComparison.Ordinal));
            Assert.DoesNotContain(playbackRequests, request => request.SentKey);
        }

        // Another project's video is not found, and the page does not show it.
        await page.GotoAsync($"/#/videos/{foreign.Id}");
        await page.Locator("#video-title", new() { HasText = "Video not found" }).WaitForAsync();
        Assert.DoesNotContain("Someone else's", await page.ContentAsync());

        // "Forget key" brings the form back.
        await page.Locator("#forget-key").ClickAsync();
        await problem.Filter(new() { HasText = "needs an API key" }).WaitForAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => localStorage.getItem('streamio.apiKey')"));
        Assert.True(await page.Locator("#forget-key").IsHiddenAsync());

        // A key revoked while stored: the next visit shows the form again with the server's reason.
        await keyInput.FillAsync(mine.Key);
        await page.Locator("#key-save").ClickAsync();
        await page.Locator("#video-title", new() { HasText = "Video not found" }).WaitForAsync(); // the same view, with the key again
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/v1/projects/{mine.Id}/keys/{mine.KeyId}")).StatusCode);
        await page.ReloadAsync();
        await problem.Filter(new() { HasText = "revoked" }).WaitForAsync();

        // The refusals (401) and the foreign video (404) are expected in the console; nothing else.
        browser.AssertNoConsoleErrors(expected: message => message.Contains("status of 401", StringComparison.Ordinal)
            || message.Contains("status of 404", StringComparison.Ordinal));
    }
}
