using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Streamio.Ingest.Srt;
using Streamio.Testing;

namespace Streamio.Ingest.Tests.Srt;

/// <summary>AddSrtIngest in a real host: configuration, validation, and a silo without libsrt that keeps running.</summary>
public sealed class SrtIngestHostingTests : IDisposable
{
    private readonly TempDirectory _folder = new("srt-host");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void The_options_are_bound_from_Streamio_Live_Srt()
    {
        using var host = BuildHost(new()
        {
            ["Streamio:Live:Srt:Port"] = "9100",
            ["Streamio:Live:Srt:BindAddress"] = "127.0.0.1",
            ["Streamio:Live:Srt:MaxConnections"] = "7",
            ["Streamio:Live:Srt:LatencyMs"] = "300",
            ["Streamio:Live:Srt:PeerIdleTimeoutSeconds"] = "2.5",
            ["Streamio:Live:Srt:RequirePassphrase"] = "true",
            ["Streamio:Live:Srt:Enabled"] = "false",
        });

        var options = host.Services.GetRequiredService<IOptions<SrtIngestOptions>>().Value;

        Assert.Equal((9100, "127.0.0.1", 7, 300, 2.5, true, false), (options.Port, options.BindAddress, options.MaxConnections, options.LatencyMs, options.PeerIdleTimeoutSeconds, options.RequirePassphrase, options.Enabled));
        Assert.Contains(host.Services.GetServices<IHostedService>(), service => service is SrtIngestServer);
    }

    [Fact]
    public async Task Bad_settings_stop_the_host_with_every_problem_named()
    {
        using var host = BuildHost(new() { ["Streamio:Live:Srt:Port"] = "70000", ["Streamio:Live:Srt:BindAddress"] = "not-an-ip", ["Streamio:Live:Srt:MaxConnections"] = "0" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Streamio:Live:Srt:Port must be 0..65535", error.Message, StringComparison.Ordinal);
        Assert.Contains("Streamio:Live:Srt:BindAddress 'not-an-ip'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Streamio:Live:Srt:MaxConnections must be at least 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_libsrt_the_server_says_what_to_install_and_the_host_runs_on()
    {
        var logs = new ListLogger<SrtIngestServer>();
        using var host = BuildHost(
            new() { ["Streamio:Live:Srt:Library"] = "libsrt-that-does-not-exist.so.9", ["Streamio:Live:Srt:Port"] = "0" },
            services => services.AddSingleton<ILogger<SrtIngestServer>>(logs));

        await host.StartAsync();
        var server = host.Services.GetRequiredService<SrtIngestServer>();
        await host.StopAsync();

        Assert.Null(server.BoundPort);
        var error = Assert.Single(logs.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains("apt-get install libsrt1.5-gnutls", error.Message, StringComparison.Ordinal);
        Assert.Contains("libsrt-that-does-not-exist.so.9", error.Message, StringComparison.Ordinal);
    }

    private IHost BuildHost(Dictionary<string, string?> settings, Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.Services.AddSingleton<IPublishAuthorizer>(new KeyListAuthorizer(new Dictionary<string, string>()));
        builder.Services.AddSingleton<IPublishHandler>(new RecordingHandler(_folder));
        builder.Services.AddSrtIngest(builder.Configuration);
        configure?.Invoke(builder.Services);
        return builder.Build();
    }
}
