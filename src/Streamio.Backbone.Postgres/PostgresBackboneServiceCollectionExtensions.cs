using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Streamio.Backbone.Postgres;

public static class PostgresBackboneServiceCollectionExtensions
{
    /// <summary>
    /// When <c>Streamio:Backbone:Kind</c> is <c>Postgres</c>, makes PostgreSQL the backbone and runs the notification
    /// listener; otherwise does nothing. Call it next to <c>AddStreamioBackbone</c>, in either order: that one keeps an
    /// <see cref="IBackbone"/> registered before it, and this one replaces one registered before it.
    /// </summary>
    public static IServiceCollection AddStreamioPostgresBackbone(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("Streamio:Backbone");
        if (!string.Equals(section["Kind"], "Postgres", StringComparison.OrdinalIgnoreCase))
        {
            return services;
        }
        services.Configure<BackboneOptions>(section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<BackboneSignals>();
        services.TryAddSingleton(provider => new PostgresBackbone(
            ConnectionStringOf(provider.GetRequiredService<IOptions<BackboneOptions>>().Value),
            provider.GetRequiredService<BackboneSignals>(),
            provider.GetRequiredService<TimeProvider>()));
        services.Replace(ServiceDescriptor.Singleton<IBackbone>(provider => provider.GetRequiredService<PostgresBackbone>()));
        services.AddHostedService<PostgresNotificationListener>();
        return services;
    }

    private static string ConnectionStringOf(BackboneOptions options)
    {
        try
        {
            if (new NpgsqlConnectionStringBuilder(options.ConnectionString).Host is { Length: > 0 })
            {
                return options.ConnectionString;
            }
        }
        catch (ArgumentException)
        {
            // Not a PostgreSQL connection string at all (the SQLite default, say): explained below.
        }
        throw new InvalidOperationException(
            "Streamio:Backbone:ConnectionString must be a PostgreSQL connection string when Kind is Postgres, " +
            "e.g. 'Host=db;Username=streamio;Password=...;Database=streamio'.");
    }
}
