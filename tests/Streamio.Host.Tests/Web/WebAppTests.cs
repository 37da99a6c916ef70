using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Streamio.Host.Api;
using Streamio.Testing;
using Xunit.Abstractions;

namespace Streamio.Host.Tests.Web;

/// <summary>The web app in headless Chromium against a real node: upload, live progress, playback, library, errors.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class WebAppTests(BrowserFixture fixture, ITestOutputHelper output)
{
    private StreamioNode Node => fixture.Node;

    [Fact]
    public async Task Uploading_through_the_page_shows_live_progress_plays_while_encoding_and_switches_quality()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 16, Width: 640, Height: 360, Gop: 15));
        await using var browser = await fixture.OpenAsync("/");
        var page = browser.Page;
        var liveFrames = 0;
        page.WebSocket += (_, socket) => socket.FrameReceived += (_, frame) =>
        {
            if (frame.Text?.Contains("\"videoUpdated\"", StringComparison.Ordinal) == true)
            {
                Interlocked.Increment(ref liveFrames);
            }
        };

        await page.Locator("#upload-title").FillAsync("Uploaded in the browser");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await page.Locator("#upload-file").SetInputFilesAsync(clip);
        var id = await WaitForVideoPageAsync(page);

        // Playback starts by itself (muted autoplay) as soon as the video is playable, while the rest still encodes.
        await page.WaitForFunctionAsync("() => document.querySelector('#player').dataset.startedWhile");
        output.WriteLine($"file chosen → playing in the page: {clock.ElapsedMilliseconds} ms (informational)");
        await browser.ScreenshotAsync("video-encoding.png");
        await page.WaitForFunctionAsync("() => document.querySelector('#player').currentTime > 3");
        Assert.Equal("encoding", await page.GetAttributeAsync("#player", "data-started-while"));
        Assert.Equal("Uploaded in the browser", await page.Locator("#video-title").TextContentAsync());

        // Quality: "Auto" plus one entry per rung; choosing one makes hls.js play it.
        var qualities = await page.Locator("#quality option").AllTextContentsAsync();
        Assert.Equal(["Auto", "240p", "360p"], qualities);
        var current = await page.GetAttributeAsync("#current-quality", "data-height");
        var other = current == "360" ? "240p" : "360p";
        await page.Locator("#quality").SelectOptionAsync(new SelectOptionValue { Label = other });
        await page.WaitForFunctionAsync($"() => document.querySelector('#current-quality').dataset.height === '{other.TrimEnd('p')}'");

        await page.Locator("#video-status [data-status='ready']").WaitForAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('#overall-progress').value === 1");
        Assert.True(liveFrames >= 3, $"expected several videoUpdated frames over the WebSocket, saw {liveFrames}");
        Assert.Equal("ready", (await Node.GetVideoAsync(id)).Status);
        var progressValues = await page.Locator("#renditions progress").EvaluateAllAsync<double[]>("bars => bars.map(bar => bar.value)");
        Assert.Equal(3, progressValues.Length); // 240p, 360p and the audio
        Assert.All(progressValues, value => Assert.Equal(1.0, value));

        // Once ready, the seek bar previews storyboard tiles.
        await page.WaitForFunctionAsync("() => document.querySelector('#video-status [data-status=ready]') && document.querySelector('#player').poster.includes('thumbnail.jpg')");
        await HoverSeekBarAsync(page, 0.6);
        await page.WaitForFunctionAsync("() => !document.querySelector('#seek-preview').hidden && getComputedStyle(document.querySelector('.preview-tile')).backgroundImage.includes('storyboard.jpg')");
        await browser.ScreenshotAsync("video.png");
        output.WriteLine($"video {id}: {liveFrames} videoUpdated frames");
        browser.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Upload_progress_shows_bytes_speed_and_time_left_and_can_be_cancelled()
    {
        var big = Path.Combine(Directory.CreateTempSubdirectory("streamio-web-").FullName, "slow.mp4");
        await File.WriteAllBytesAsync(big, new byte[4 * 1024 * 1024]);
        await using var browser = await fixture.OpenAsync("/#/upload");
        var page = browser.Page;
        // Throttle this page's network (DevTools protocol) so the upload takes long enough to watch and cancel.
        var devTools = await page.Context.NewCDPSessionAsync(page);
        await devTools.SendAsync("Network.enable");
        await devTools.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
        {
            ["offline"] = false, ["latency"] = 20, ["downloadThroughput"] = 10_000_000, ["uploadThroughput"] = 256 * 1024,
        });
        var before = await CountVideosAsync();

        await page.Locator("#upload-file").SetInputFilesAsync(big);
        await page.WaitForFunctionAsync("() => { const p = document.querySelector('#upload-progress'); return p.value > 0.05 && p.value < 0.9; }");
        var stats = await page.Locator("#upload-stats").TextContentAsync();
        Assert.Matches(@"^[\d.]+ (KiB|MiB) of 4\.0 MiB · [\d.]+ (B|KiB|MiB)/s · \d+:\d\d left$", stats);
        await browser.ScreenshotAsync("upload.png");
        await page.Locator("#upload-cancel").ClickAsync();

        await page.Locator("#upload-error", new PageLocatorOptions { HasText = "Upload cancelled." }).WaitForAsync();
        Assert.True(await page.Locator(".upload-status").IsHiddenAsync());
        Assert.Equal(before, await CountVideosAsync());
        browser.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Refused_uploads_say_why_on_the_page()
    {
        var folder = Directory.CreateTempSubdirectory("streamio-web-").FullName;
        var text = Path.Combine(folder, "notes.txt");
        await File.WriteAllTextAsync(text, "not a video");
        var tooBig = Path.Combine(folder, "huge.mp4");
        await using (var stream = File.Create(tooBig))
        {
            stream.SetLength(BrowserFixture.MaxUploadBytes + 1);
        }
        var empty = Path.Combine(folder, "empty.mp4");
        await File.WriteAllBytesAsync(empty, []);
        await using var browser = await fixture.OpenAsync("/#/upload");
        var page = browser.Page;
        var posts = 0;
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.Url.EndsWith("/v1/videos", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref posts);
            }
        };
        var error = page.Locator("#upload-error");

        // The file picker is reachable with Tab, and its drop zone shows the focus.
        for (var step = 0; step < 10 && await page.EvaluateAsync<string>("() => document.activeElement.id") != "upload-file"; step++)
        {
            await page.Keyboard.PressAsync("Tab");
        }
        Assert.Equal("upload-file", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        Assert.NotEqual("none", await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('#drop-zone')).outlineStyle"));

        // Checked in the page, before a byte is sent (dropped or picked):
        await page.Locator("#drop-zone").EvaluateAsync(
            "zone => { const data = new DataTransfer(); data.items.add(new File(['hello'], 'dropped.txt', { type: 'text/plain' })); zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true })); }");
        await page.Locator("#upload-error", new PageLocatorOptions { HasText = "“dropped.txt” is not a video Streamio accepts" }).WaitForAsync();
        await page.Locator("#upload-file").SetInputFilesAsync(text);
        await page.Locator("#upload-error", new PageLocatorOptions { HasText = "“notes.txt” is not a video Streamio accepts" }).WaitForAsync();
        Assert.Contains("MP4, MOV, MKV, WebM", await error.TextContentAsync());
        await page.Locator("#upload-file").SetInputFilesAsync(tooBig);
        await page.Locator("#upload-error", new PageLocatorOptions { HasText = "the largest upload is 8.0 MiB" }).WaitForAsync();
        Assert.Equal(0, posts);

        // Refused by the server: its problem+json detail is shown.
        await page.Locator("#upload-file").SetInputFilesAsync(empty);
        await page.Locator("#upload-error", new PageLocatorOptions { HasText = "The server refused the upload: The file is empty (0 bytes)." }).WaitForAsync();
        Assert.Equal(1, posts);
        await browser.ScreenshotAsync("upload-refused.png");
        browser.AssertNoConsoleErrors(expected: message => message.Contains("status of 400", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_library_lists_newest_first_with_thumbnail_duration_and_status_a_page_at_a_time()
    {
        await fixture.ReadyVideoAsync();
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 3, Width: 640, Height: 360, Gop: 15));
        var newest = await Node.WaitForReadyAsync((await Node.UploadOkAsync(clip, "Newest upload")).Id);
        var listed = await Node.Http.GetFromJsonAsync<VideoPage>("/v1/videos?limit=2");

        await using var browser = await fixture.OpenAsync("/?pageSize=1#/");
        var page = browser.Page;
        var cards = page.Locator("#library-grid .card");
        await cards.First.WaitForAsync();
        Assert.Equal(1, await cards.CountAsync());
        Assert.Equal(newest.Id, await cards.First.GetAttributeAsync("data-video-id"));
        Assert.Equal("Newest upload", await cards.First.Locator(".card-title").TextContentAsync());
        Assert.Equal("0:03", await cards.First.Locator(".duration").TextContentAsync());
        Assert.Equal("ready", await cards.First.Locator(".badge").TextContentAsync());
        await page.WaitForFunctionAsync("() => document.querySelector('#library-grid .card img').naturalWidth > 0");

        await page.Locator("#library-more").ClickAsync();
        await cards.Nth(1).WaitForAsync();
        Assert.Equal(listed!.Items[1].Id, await cards.Nth(1).GetAttributeAsync("data-video-id"));

        await cards.First.Locator("a").ClickAsync();
        await WaitForUrlAsync(page, new Regex($"#/videos/{newest.Id}$"));
        browser.AssertNoConsoleErrors();

        await using var overview = await fixture.OpenAsync("/#/");
        await overview.Page.Locator("#library-grid .card img").First.WaitForAsync();
        await overview.Page.WaitForFunctionAsync("() => [...document.querySelectorAll('#library-grid img')].every(img => img.complete && img.naturalWidth > 0)");
        await overview.ScreenshotAsync("library.png");
        overview.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_shared_link_opens_the_video_page_which_works_at_phone_width_and_with_the_keyboard()
    {
        var ready = await fixture.ReadyVideoAsync();
        string shared;
        await using (var desktop = await fixture.OpenAsync($"/#/videos/{ready.Id}"))
        {
            await desktop.Page.Locator("#video-status [data-status='ready']").WaitForAsync();
            shared = (await desktop.Page.Locator("#share-link").InputValueAsync())!;
        }
        Assert.Equal($"{Node.BaseAddress.ToString().TrimEnd('/')}/#/videos/{ready.Id}", shared);

        await using var phone = await fixture.OpenAsync(shared, width: 390, height: 844);
        var page = phone.Page;
        await page.WaitForFunctionAsync("() => document.querySelector('#player').currentTime > 0.5");
        Assert.Equal("Colour bars at sunset", await page.Locator("#video-title").TextContentAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways at phone width");

        // Every control is reachable with Tab, in order, and shows where the focus is.
        var focused = new List<string>();
        for (var step = 0; step < 20 && !focused.Contains("share-copy"); step++)
        {
            await page.Keyboard.PressAsync("Tab");
            var (id, outline) = await FocusedAsync(page);
            focused.Add(id);
            Assert.True(outline != "none", $"#{id} has no visible focus outline");
        }
        string[] controls = ["play-toggle", "seek", "mute-toggle", "quality", "fullscreen", "share-link", "share-copy"];
        Assert.Equal(controls, focused.Where(controls.Contains).ToArray());
        // Enter on the play button toggles playback (the short clip may have ended by now: then it plays again).
        await page.Locator("#play-toggle").FocusAsync();
        var wasPaused = await page.EvaluateAsync<bool>("() => document.querySelector('#player').paused");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForFunctionAsync(
            $"() => document.querySelector('#player').paused === {(!wasPaused).ToString().ToLowerInvariant()} && document.querySelector('#play-toggle').getAttribute('aria-label') === '{(wasPaused ? "Pause" : "Play")}'");
        await phone.ScreenshotAsync("video-phone.png");
        phone.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Without_node_modules_the_page_still_loads_and_says_what_to_run()
    {
        await using var bare = await StreamioNode.StartAsync(settings => settings["Streamio:Web:NodeModulesPath"] = "/nonexistent/node_modules");
        await using var browser = await fixture.OpenAsync("/", baseAddress: bare.BaseAddress);
        var page = browser.Page;

        await page.Locator("#banner", new PageLocatorOptions { HasText = "run `npm ci`" }).WaitForAsync();
        await page.Locator("#drop-zone").WaitForAsync();
        await page.Locator("#library-message", new PageLocatorOptions { HasText = "No videos yet" }).WaitForAsync();
        using var library = await bare.Http.GetAsync("/lib/hls.js");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, library.StatusCode);
        Assert.Contains("npm ci", await library.Content.ReadAsStringAsync());
        browser.AssertNoConsoleErrors();
    }

    private async Task<int> CountVideosAsync() => (await Node.Http.GetFromJsonAsync<VideoPage>("/v1/videos?limit=100"))!.Items.Count;

    private static async Task HoverSeekBarAsync(IPage page, double fraction)
    {
        var box = (await page.Locator("#seek").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync((float)(box.X + box.Width * fraction), box.Y + box.Height / 2);
    }

    private static async Task<(string Id, string Outline)> FocusedAsync(IPage page)
    {
        var result = await page.EvaluateAsync<string[]>("() => [document.activeElement.id || document.activeElement.tagName, getComputedStyle(document.activeElement).outlineStyle]");
        return (result[0], result[1]);
    }

    /// <summary>
    /// Waits until the page's URL matches, checked in the page itself every 100 ms, and returns that URL. The app moves
    /// between pages by its URL's hash; Playwright's <c>WaitForURLAsync</c> compares the URL it last heard of and then
    /// waits for the next navigation event, and a CI run once timed out after 120 s with the page long at the video's URL
    /// (the hash change fell, it seems, between the two).
    /// </summary>
    internal static async Task<string> WaitForUrlAsync(IPage page, Regex url)
    {
        var matched = await page.WaitForFunctionAsync("pattern => new RegExp(pattern).test(location.href) && location.href", url.ToString(),
            new() { PollingInterval = 100 });
        return await matched.JsonValueAsync<string>();
    }

    [GeneratedRegex(@"#/videos/(?<id>v_[0-9a-f]+)$")]
    internal static partial Regex VideoPageUrl();

    /// <summary>Waits for the upload form to open the new video's page; if it never does, says what the form showed.</summary>
    internal static async Task<string> WaitForVideoPageAsync(IPage page)
    {
        try
        {
            return VideoPageUrl().Match(await WaitForUrlAsync(page, VideoPageUrl())).Groups["id"].Value;
        }
        catch (TimeoutException)
        {
            // Read what is there without waiting: the form may be gone by now.
            var shown = await page.EvaluateAsync<string>("() => document.body.innerText").WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Fail($"the upload never opened the video page; at {page.Url} the page says: {shown}");
            throw; // not reached: Assert.Fail throws, but this xunit does not tell the compiler so
        }
    }
}
