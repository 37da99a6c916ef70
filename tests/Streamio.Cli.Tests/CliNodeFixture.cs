using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Streamio.Host;
using Streamio.Testing;

namespace Streamio.Cli.Tests;

/// <summary>
/// One real Streamio node (API + co-hosted silo, SQLite, local disk) as a deployment runs it: anonymous access off, an
/// admin key, and a project with a key, which the CLI under test talks to over HTTP and SignalR.
/// </summary>
public sealed class CliNodeFixture : IAsyncLifetime
{
    public const string AdminKey = "cli-test-admin-key-0123456789";

    /// <summary>A short clip the node encodes to two renditions (360p, 240p).</summary>
    public static readonly ClipSpec Clip = new(DurationSeconds: 3, Width: 640, Height: 360, Gop: 15);

    private WebApplication? _app;
    private readonly TempDirectory _data = new("cli-node");

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The node's RTMP ingest port, which the publish URLs name.</summary>
    public int RtmpPort { get; } = LoopbackPort.Free();

    public string ProjectId { get; private set; } = null!;

    public string ApiKey { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Streamio:DataPath"] = _data.Path,
            ["Streamio:Auth:AdminKey"] = AdminKey,
            ["Streamio:Auth:AllowAnonymous"] = "false",
            ["Streamio:Storage:LocalPath"] = _data.Combine("objects"),
            ["Streamio:Database:ConnectionString"] = $"Data Source={_data.Combine("streamio.db")}",
            ["Streamio:Cluster:SiloPort"] = LoopbackPort.Free().ToString(CultureInfo.InvariantCulture),
            ["Streamio:Cluster:GatewayPort"] = LoopbackPort.Free().ToString(CultureInfo.InvariantCulture),
            ["Streamio:Encoding:WorkPath"] = _data.Combine("work"),
            ["Streamio:Encoding:SegmentSeconds"] = "1",
            ["Streamio:Encoding:SegmentsPerChunk"] = "2",
            ["Streamio:Encoding:MaxSegmentsPerChunk"] = "2",
            // Live ingest on free ports: other test processes may hold the defaults.
            ["Streamio:Live:Rtmp:Port"] = RtmpPort.ToString(CultureInfo.InvariantCulture),
            ["Streamio:Live:Srt:Port"] = "0",
            ["Streamio:Encoding:Ladder:0:Name"] = "360p",
            ["Streamio:Encoding:Ladder:0:Width"] = "640",
            ["Streamio:Encoding:Ladder:0:Height"] = "360",
            ["Streamio:Encoding:Ladder:0:VideoKbps"] = "800",
            ["Streamio:Encoding:Ladder:1:Name"] = "240p",
            ["Streamio:Encoding:Ladder:1:Width"] = "426",
            ["Streamio:Encoding:Ladder:1:Height"] = "240",
            ["Streamio:Encoding:Ladder:1:VideoKbps"] = "400",
            ["Streamio:Silo:Workers"] = "2",
            ["Streamio:Ffmpeg:Preset"] = "ultrafast",
            ["Streamio:MaxUploadBytes"] = (64 * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
        };
        _app = StreamioApp.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        Admin = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        Admin.DefaultRequestHeaders.Add("x-api-key", AdminKey);
        await WaitUntilReadyAsync();
        (ProjectId, ApiKey) = await NewProjectAsync("CLI tests");
    }

    /// <summary>A project and a key for it, made through the admin API.</summary>
    public async Task<(string ProjectId, string Key)> NewProjectAsync(string name)
    {
        using var project = await Admin.PostAsJsonAsync("/v1/projects", new { name });
        project.EnsureSuccessStatusCode();
        var projectId = JsonDocument.Parse(await project.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        using var key = await Admin.PostAsJsonAsync($"/v1/projects/{projectId}/keys", new { name = "cli" });
        key.EnsureSuccessStatusCode();
        return (projectId, JsonDocument.Parse(await key.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!);
    }

    /// <summary>A CLI run configured for this node and the fixture's project, through the environment as a user would.</summary>
    public CliRunner Cli(string? apiKey = null) => new(new Dictionary<string, string?>
    {
        ["STREAMIO_URL"] = BaseAddress.AbsoluteUri,
        ["STREAMIO_API_KEY"] = apiKey ?? ApiKey,
        ["STREAMIO_ADMIN_KEY"] = AdminKey,
    });

    private async Task WaitUntilReadyAsync()
    {
        for (var attempt = 0; attempt < 240; attempt++)
        {
            using var response = await Admin.GetAsync("/readyz");
            if (response.IsSuccessStatusCode)
            {
                return;
            }
            await Task.Delay(500);
        }
        Assert.Fail("the node never became ready");
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        Admin?.Dispose();
        _data.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class CliNodeCollection : ICollectionFixture<CliNodeFixture>
{
    public const string Name = "cli node";
}
