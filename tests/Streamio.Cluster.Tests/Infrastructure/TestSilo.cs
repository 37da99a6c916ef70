using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;

namespace Streamio.Cluster.Tests.Infrastructure;

/// <summary>A real Orleans silo (with its co-hosted client) in this process, configured the way the Streamio host does it.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly IHost _host;

    private TestSilo(IHost host) => _host = host;

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public IServiceProvider Services => _host.Services;

    public static async Task<TestSilo> StartAsync(IReadOnlyDictionary<string, string?> settings, Action<ISiloBuilder>? configure = null)
    {
        var host = Build(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), configure);
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            await host.StartAsync(timeout.Token);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return new TestSilo(host);
    }

    /// <summary>The host as the Streamio silo builds it; <paramref name="logToStandardError"/> for the child-process silo.</summary>
    public static IHost Build(IConfiguration configuration, Action<ISiloBuilder>? configure = null, bool logToStandardError = false)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddConfiguration(configuration);
        if (logToStandardError)
        {
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
            builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(
                options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        }
        builder.UseOrleans(silo =>
        {
            silo.UseStreamioCluster(builder.Configuration);
            configure?.Invoke(silo);
        });
        return builder.Build();
    }

    /// <summary>Stops gracefully, as a node being shut down does.</summary>
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _host.StopAsync(timeout.Token);
        }
        finally
        {
            _host.Dispose();
        }
    }
}
