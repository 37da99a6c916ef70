using Microsoft.Playwright;
using Streamio.Host.Api;
using Streamio.Testing;

namespace Streamio.Host.Tests.Web;

/// <summary>
/// One Streamio node and one headless Chromium (Debian's, driven by Playwright; no browser is downloaded) shared by the
/// browser tests.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const long MaxUploadBytes = 8 * 1024 * 1024;

    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly Lazy<Task<VideoResponse>> _readyVideo;
    private IPlaywright? _playwright;

    public BrowserFixture() => _readyVideo = new(async () =>
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 6, Width: 640, Height: 360, Gop: 15));
        var uploaded = await Node.UploadOkAsync(clip, "Colour bars at sunset");
        return await Node.WaitForReadyAsync(uploaded.Id);
    });

    public StreamioNode Node { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>A short clip uploaded through the API and encoded to the end, for the tests that need a finished video.</summary>
    public Task<VideoResponse> ReadyVideoAsync() => _readyVideo.Value;

    public async Task InitializeAsync()
    {
        Node = await StreamioNode.StartAsync(settings => settings["Streamio:MaxUploadBytes"] = MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    /// <summary>A fresh browser context and page on <paramref name="baseAddress"/> (the shared node by default), recording console errors.</summary>
    public async Task<BrowserPage> OpenAsync(string path, int width = 1280, int height = 860, Uri? baseAddress = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = (baseAddress ?? Node.BaseAddress).ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(120_000);
        var page = await context.NewPageAsync();
        var browserPage = new BrowserPage(context, page);
        await page.GotoAsync(path);
        return browserPage;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
        await Node.DisposeAsync();
    }
}

/// <summary>A page with the errors its console and scripts reported.</summary>
public sealed class BrowserPage(IBrowserContext context, IPage page) : IAsyncDisposable
{
    private readonly List<string> _errors = Watch(page);

    public IPage Page { get; } = page;

    /// <summary>Console errors and uncaught exceptions, except those <paramref name="expected"/> says the test caused on purpose.</summary>
    public void AssertNoConsoleErrors(Func<string, bool>? expected = null)
    {
        List<string> errors;
        lock (_errors)
        {
            errors = _errors.Where(error => expected?.Invoke(error) != true).ToList();
        }
        Assert.True(errors.Count == 0, "browser console errors:\n" + string.Join('\n', errors));
    }

    /// <summary>Writes a screenshot to $STREAMIO_SCREENSHOTS (e.g. docs/screenshots) when set, else to the test output folder.</summary>
    public async Task ScreenshotAsync(string name)
    {
        var folder = Environment.GetEnvironmentVariable("STREAMIO_SCREENSHOTS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name), FullPage = true });
    }

    public async ValueTask DisposeAsync() => await context.CloseAsync();

    private static List<string> Watch(IPage page)
    {
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (errors)
                {
                    errors.Add($"console: {message.Text}");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add($"uncaught: {error}");
            }
        };
        return errors;
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
