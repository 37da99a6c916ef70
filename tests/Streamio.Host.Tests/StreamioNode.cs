using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Streamio.Host;
using Streamio.Testing;
using Streamio.Host.Api;

namespace Streamio.Host.Tests;

/// <summary>
/// A whole Streamio node (API + in-process silo on SQLite and the local disk) on a loopback port with its own data
/// folder: the equivalent of Orleans' TestingHost for one node.
/// </summary>
public sealed class StreamioNode : IAsyncDisposable
{
    private WebApplication? _app;

    private StreamioNode(string dataPath) => DataPath = dataPath;

    public string DataPath { get; }

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    /// <summary>Test-friendly defaults: 1 s segments and 2-segment chunks, so short clips exercise chunk joins.</summary>
    /// <summary>The admin key every test node accepts (admin-only endpoints such as GET /v1/cluster).</summary>
    public const string AdminKey = "test-admin-key-0123456789abcdef";

    public static Dictionary<string, string?> DefaultSettings(string dataPath) => new()
    {
        ["Streamio:DataPath"] = dataPath,
        ["Streamio:Auth:AdminKey"] = AdminKey,
        ["Streamio:Storage:LocalPath"] = Path.Combine(dataPath, "objects"),
        ["Streamio:Database:ConnectionString"] = $"Data Source={Path.Combine(dataPath, "streamio.db")}",
        // Several nodes share a test process: each silo needs ports of its own.
        ["Streamio:Cluster:SiloPort"] = LoopbackPort.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Streamio:Cluster:GatewayPort"] = LoopbackPort.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Streamio:Encoding:WorkPath"] = Path.Combine(dataPath, "work"),
        ["Streamio:Encoding:SegmentSeconds"] = "1",
        ["Streamio:Encoding:SegmentsPerChunk"] = "2",
        // Fixed-length chunks, so short clips have several (AdaptiveChunkTests runs the default sizing).
        ["Streamio:Encoding:MaxSegmentsPerChunk"] = "2",
        ["Streamio:Encoding:Ladder:0:Name"] = "480p",
        ["Streamio:Encoding:Ladder:0:Width"] = "854",
        ["Streamio:Encoding:Ladder:0:Height"] = "480",
        ["Streamio:Encoding:Ladder:0:VideoKbps"] = "1500",
        ["Streamio:Encoding:Ladder:1:Name"] = "360p",
        ["Streamio:Encoding:Ladder:1:Width"] = "640",
        ["Streamio:Encoding:Ladder:1:Height"] = "360",
        ["Streamio:Encoding:Ladder:1:VideoKbps"] = "800",
        ["Streamio:Encoding:Ladder:2:Name"] = "240p",
        ["Streamio:Encoding:Ladder:2:Width"] = "426",
        ["Streamio:Encoding:Ladder:2:Height"] = "240",
        ["Streamio:Encoding:Ladder:2:VideoKbps"] = "400",
        ["Streamio:Silo:Workers"] = "2",
        // Live ingest on any free port: many nodes share a test process.
        ["Streamio:Live:Rtmp:Port"] = "0",
        ["Streamio:Live:Srt:Port"] = "0",
        ["Streamio:Silo:RetryDelaySeconds"] = "0.2",
        ["Streamio:Ffmpeg:Preset"] = "ultrafast",
    };

    /// <param name="build">More for the host builder than settings, e.g. a logging provider that keeps what is logged.</param>
    public static async Task<StreamioNode> StartAsync(Action<Dictionary<string, string?>>? configure = null, string? dataPath = null, Action<WebApplicationBuilder>? build = null)
    {
        var node = new StreamioNode(dataPath ?? Directory.CreateTempSubdirectory("streamio-node-").FullName);
        var settings = DefaultSettings(node.DataPath);
        configure?.Invoke(settings);
        node._app = StreamioApp.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            build?.Invoke(builder);
        });
        await node._app.StartAsync();
        var address = node._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        node.BaseAddress = new Uri(address);
        node.Http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        await node.WaitUntilReadyAsync();
        return node;
    }

    /// <summary>Like an orchestrator's readiness probe: the node's first grain calls may take a moment on a busy machine.</summary>
    private async Task WaitUntilReadyAsync()
    {
        string body = "";
        for (var attempt = 0; attempt < 120; attempt++)
        {
            using var response = await Http.GetAsync("/readyz");
            if (response.IsSuccessStatusCode)
            {
                return;
            }
            body = await response.Content.ReadAsStringAsync();
            await Task.Delay(500);
        }
        Assert.Fail($"the node never became ready: {body}");
    }

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    /// <summary>Uploads a file as multipart/form-data, the way a browser form would.</summary>
    public async Task<HttpResponseMessage> UploadAsync(string path, string? title = null, string fileName = "clip.mp4", HttpClient? client = null)
    {
        using var form = new MultipartFormDataContent();
        var file = new StreamContent(File.OpenRead(path));
        form.Add(file, "file", fileName);
        if (title is not null)
        {
            form.Add(new StringContent(title), "title");
        }
        return await (client ?? Http).PostAsync("/v1/videos", form);
    }

    public async Task<VideoResponse> UploadOkAsync(string path, string? title = null, string fileName = "clip.mp4", HttpClient? client = null)
    {
        using var response = await UploadAsync(path, title, fileName, client);
        Assert.True(response.IsSuccessStatusCode, $"upload answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<VideoResponse>())!;
    }

    public async Task<VideoResponse> GetVideoAsync(string id, HttpClient? client = null) =>
        (await (client ?? Http).GetFromJsonAsync<VideoResponse>($"/v1/videos/{id}"))!;

    /// <summary>A client of this node that sends <paramref name="apiKey"/> as x-api-key (none when null).</summary>
    public HttpClient CreateClient(string? apiKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("x-api-key", apiKey);
        }
        return client;
    }

    /// <summary>Polls the API until the video satisfies <paramref name="done"/>.</summary>
    public async Task<VideoResponse> WaitForAsync(string id, Func<VideoResponse, bool> done, TimeSpan? timeout = null, HttpClient? client = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        while (true)
        {
            var video = await GetVideoAsync(id, client);
            if (done(video))
            {
                return video;
            }
            if (cancellation.IsCancellationRequested)
            {
                Assert.Fail($"video {id} never reached the expected state; last: status={video.Status} progress={video.Progress} error={video.Error}");
            }
            await Task.Delay(50, CancellationToken.None);
        }
    }

    public Task<VideoResponse> WaitForReadyAsync(string id, HttpClient? client = null) =>
        WaitForAsync(id, video => video.Status is "ready" or "failed", client: client);

    public async Task<string> PlaybackUrlAsync(string id, int? ttlSeconds = null)
    {
        using var response = await Http.PostAsJsonAsync($"/v1/videos/{id}/playback", new PlaybackRequest(ttlSeconds, null));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<PlaybackResponse>())!.Url;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Http?.Dispose();
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>One node shared by the test classes of a collection (it stays up across tests, like a real deployment).</summary>
public sealed class SharedNodeFixture : IAsyncLifetime
{
    /// <summary>The clip most tests use: 5 s, 854x480 (three rungs at the test ladder), 30 fps, with audio.</summary>
    public static readonly Streamio.Testing.ClipSpec StandardClip = new(DurationSeconds: 5, Width: 854, Height: 480, Gop: 15);

    private readonly Lazy<Task<VideoResponse>> _readyVideo;

    public SharedNodeFixture() => _readyVideo = new(async () =>
    {
        var clip = await Streamio.Testing.ClipFactory.GetAsync(StandardClip);
        var uploaded = await Node.UploadOkAsync(clip, "Standard clip");
        return await Node.WaitForReadyAsync(uploaded.Id);
    });

    public StreamioNode Node { get; private set; } = null!;

    /// <summary>The standard clip uploaded once and encoded to the end, shared by the tests that inspect a finished video.</summary>
    public Task<VideoResponse> ReadyVideoAsync() => _readyVideo.Value;

    public async Task InitializeAsync() => Node = await StreamioNode.StartAsync(settings => settings["Streamio:MaxUploadBytes"] = (32 * 1024 * 1024).ToString());

    public async Task DisposeAsync() => await Node.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SharedNodeCollection : ICollectionFixture<SharedNodeFixture>
{
    public const string Name = "shared node";
}
