using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Streamio.Cluster;

public static class StreamioClientBuilderExtensions
{
    /// <summary>
    /// Configures an Orleans client (an API-only node) to find the gateways of the Streamio cluster described by
    /// <c>Streamio:Cluster</c> (and, for <c>AdoNet</c>, <c>Streamio:Database</c>). Throws
    /// <see cref="StreamioConfigurationException"/> at once if the settings are unusable.
    /// </summary>
    public static IClientBuilder UseStreamioCluster(this IClientBuilder client, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(client);
        var settings = StreamioSettings.Read(configuration);
        var cluster = settings.Cluster;
        client.Services.TryAddSingleton(settings);
        switch (cluster.Clustering)
        {
            case ClusteringKind.Localhost:
                client.UseLocalhostClustering(cluster.GatewayPort, cluster.ServiceId, cluster.ClusterId);
                return client;
            case ClusteringKind.AzureTable:
                client.UseAzureStorageClustering(options => AzureTableClustering.Configure(options, cluster));
                break;
            default:
                client.UseAdoNetClustering(options =>
                {
                    options.Invariant = StreamioSchema.AdoNetInvariant(DatabaseKind.Postgres);
                    options.ConnectionString = settings.Database.ConnectionString;
                });
                break;
        }
        client.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = cluster.ClusterId;
            options.ServiceId = cluster.ServiceId;
        });
        // An API node may start before any silo (or while they all restart): it keeps trying to reach a gateway
        // instead of failing its start-up, and serves once the cluster answers.
        client.UseConnectionRetryFilter(async (_, cancellationToken) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return !cancellationToken.IsCancellationRequested;
        });
        return client;
    }
}
