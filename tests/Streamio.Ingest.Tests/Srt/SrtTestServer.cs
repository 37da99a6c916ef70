using Microsoft.Extensions.Options;
using Streamio.Ingest.Srt;
using Streamio.Testing;

namespace Streamio.Ingest.Tests.Srt;

/// <summary>An <see cref="SrtIngestServer"/> on a free loopback port with the test authorizer and recording handler.</summary>
public sealed class SrtTestServer : IAsyncDisposable
{
    public const string Key = "sk_live_test_key_alpha_0001";
    public const string OtherKey = "sk_live_test_key_beta_0002";

    private readonly TempDirectory _folder = new("srt");
    private bool _stopped;

    private SrtTestServer(SrtIngestOptions options, TimeSpan? authorizeDelay, bool handlerReturnsAtOnce)
    {
        Authorizer = new KeyListAuthorizer(new Dictionary<string, string> { [Key] = "ls_alpha", [OtherKey] = "ls_beta" }, authorizeDelay);
        Handler = new RecordingHandler(_folder, handlerReturnsAtOnce);
        Server = new SrtIngestServer(Options.Create(options), Authorizer, Handler, Logger);
    }

    public SrtIngestServer Server { get; }

    public KeyListAuthorizer Authorizer { get; }

    public RecordingHandler Handler { get; }

    public ListLogger<SrtIngestServer> Logger { get; } = new();

    public int Port => Server.BoundPort ?? throw new InvalidOperationException("The SRT server is not listening: " + string.Join('\n', Logger.Entries));

    public static async Task<SrtTestServer> StartAsync(
        Action<SrtIngestOptions>? configure = null, TimeSpan? authorizeDelay = null, bool handlerReturnsAtOnce = false)
    {
        var options = new SrtIngestOptions { BindAddress = "127.0.0.1", Port = 0 };
        configure?.Invoke(options);
        var server = new SrtTestServer(options, authorizeDelay, handlerReturnsAtOnce);
        await server.Server.StartAsync(CancellationToken.None);
        return server;
    }

    public async Task StopAsync()
    {
        _stopped = true;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Server.StopAsync(deadline.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await StopAsync();
        }

        Server.Dispose();
        _folder.Dispose();
    }
}
