using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Streamio.Backbone.Sqlite;

namespace Streamio.Backbone;

public static class BackboneServiceCollectionExtensions
{
    /// <summary>Registers the backbone chosen by <c>Streamio:Backbone:Kind</c>, the grain runtime and the event fan-out.</summary>
    public static IServiceCollection AddStreamioBackbone(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<BackboneOptions>(configuration.GetSection("Streamio:Backbone"));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<BackboneSignals>();
        // TryAdd: a backend registered before this (AddStreamioPostgresBackbone) is kept.
        services.TryAddSingleton<IBackbone>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<BackboneOptions>>().Value;
            return options.Kind.ToUpperInvariant() switch
            {
                "SQLITE" => new SqliteBackbone(options.ConnectionString, provider.GetRequiredService<BackboneSignals>(), provider.GetRequiredService<TimeProvider>()),
                _ => throw new InvalidOperationException($"Streamio:Backbone:Kind '{options.Kind}' is not supported; use 'Sqlite', or 'Postgres' with AddStreamioPostgresBackbone."),
            };
        });
        services.AddSingleton<IGrainStore>(provider => provider.GetRequiredService<IBackbone>());
        services.AddSingleton<IWorkQueue>(provider => provider.GetRequiredService<IBackbone>());
        services.AddSingleton<IEventLog>(provider => provider.GetRequiredService<IBackbone>());
        services.AddSingleton<IMembership>(provider => provider.GetRequiredService<IBackbone>());
        services.AddHostedService<BackboneMigrator>();
        services.AddSingleton<GrainRuntime>();
        services.AddSingleton<EventHub>();
        services.AddHostedService<EventDispatcher>();
        return services;
    }

    /// <summary>Runs a silo in this process: it claims and runs the registered <see cref="IWorkHandler"/>s.</summary>
    public static IServiceCollection AddStreamioSilo(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SiloOptions>(configuration.GetSection("Streamio:Silo"));
        // The host must wait for the grace period (plus time to hand work back) before it gives up on stopping.
        services.AddOptions<HostOptions>().Configure<IOptions<SiloOptions>>((host, silo) =>
        {
            var needed = TimeSpan.FromSeconds(silo.Value.ShutdownGraceSeconds + 15);
            if (host.ShutdownTimeout < needed)
            {
                host.ShutdownTimeout = needed;
            }
        });
        services.AddSingleton<Silo>();
        services.AddHostedService(provider => provider.GetRequiredService<Silo>());
        return services;
    }
}
