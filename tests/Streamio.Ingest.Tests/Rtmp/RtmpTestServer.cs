using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Streamio.Ingest.Rtmp;
using Streamio.Testing;

namespace Streamio.Ingest.Tests.Rtmp;

/// <summary>The real server as an app would register it (AddRtmpIngest), on a free loopback port, with test doubles outside it.</summary>
public sealed class RtmpTestServer : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly TempDirectory _folder;

    private RtmpTestServer(ServiceProvider provider, TempDirectory folder, TestPublishAuthorizer authorizer, RecordingPublishHandler handler, ListLogger<RtmpIngestServer> log)
    {
        _provider = provider;
        _folder = folder;
        Authorizer = authorizer;
        Handler = handler;
        Log = log;
        Server = provider.GetRequiredService<RtmpIngestServer>();
    }

    public RtmpIngestServer Server { get; }

    public TestPublishAuthorizer Authorizer { get; }

    public RecordingPublishHandler Handler { get; }

    public ListLogger<RtmpIngestServer> Log { get; }

    public int Port => Server.LocalEndPoint!.Port;

    public string Folder => _folder.Path;

    public static async Task<RtmpTestServer> StartAsync(
        IReadOnlyDictionary<string, string> keys,
        IReadOnlyDictionary<string, string?>? settings = null,
        long? handlerStopsAfterBytes = null)
    {
        var folder = new TempDirectory("rtmp");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Streamio:Live:Rtmp:Port"] = "0",
                ["Streamio:Live:Rtmp:BindAddress"] = "127.0.0.1",
            })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var authorizer = new TestPublishAuthorizer(keys);
        var handler = new RecordingPublishHandler(folder.Path) { StopAfterBytes = handlerStopsAfterBytes };
        var log = new ListLogger<RtmpIngestServer>();
        var services = new ServiceCollection()
            .AddSingleton<IPublishAuthorizer>(authorizer)
            .AddSingleton<IPublishHandler>(handler)
            .AddSingleton<ILogger<RtmpIngestServer>>(log)
            .AddRtmpIngest(configuration);
        var provider = services.BuildServiceProvider();
        var server = new RtmpTestServer(provider, folder, authorizer, handler, log);
        try
        {
            foreach (var hosted in provider.GetServices<IHostedService>())
            {
                await hosted.StartAsync(CancellationToken.None);
            }
        }
        catch
        {
            await provider.DisposeAsync();
            folder.Dispose();
            throw;
        }

        return server;
    }

    public string Url(string key) => $"rtmp://127.0.0.1:{Port}/live/{key}";

    public Task StopAsync() => Server.StopAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _provider.DisposeAsync();
        _folder.Dispose();
    }
}
