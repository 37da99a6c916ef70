using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Providers;
using Orleans.Runtime;
using Orleans.Storage;
using Streamio.Cluster.Schema;

namespace Streamio.Cluster;

public static class StreamioSiloBuilderExtensions
{
    /// <summary>
    /// Configures a Streamio silo from <c>Streamio:Database</c> and <c>Streamio:Cluster</c>: clustering, endpoints,
    /// membership timing, optional Kubernetes hosting, and everything <see cref="AddStreamioPersistence"/> adds.
    /// Throws <see cref="StreamioConfigurationException"/> at once if the settings cannot make a working silo.
    /// </summary>
    public static ISiloBuilder UseStreamioCluster(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var settings = StreamioSettings.Read(configuration);
        var cluster = settings.Cluster;
        AddPersistence(silo, settings);
        UseClustering(silo, settings);
        silo.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = cluster.ClusterId;
            options.ServiceId = cluster.ServiceId;
        });
        silo.Configure<ClusterMembershipOptions>(options => ConfigureMembership(cluster, options));
        if (cluster.Kubernetes)
        {
            silo.UseKubernetesHosting();
        }
        return silo;
    }

    /// <summary>
    /// Only the database side of a Streamio silo, for silos whose clustering is set up elsewhere (Orleans' TestingHost):
    /// the schema migration, which runs before anything else in the silo; the <see cref="StreamioCluster.StorageName"/>
    /// grain storage, also the default storage; and reminders with <c>Streamio:Cluster:MinimumReminderPeriodSeconds</c>.
    /// <see cref="UseStreamioCluster"/> includes it: call one or the other.
    /// </summary>
    public static ISiloBuilder AddStreamioPersistence(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        AddPersistence(silo, StreamioSettings.Read(configuration));
        return silo;
    }

    private static void AddPersistence(ISiloBuilder silo, StreamioSettings settings)
    {
        var database = settings.Database;
        silo.Services.TryAddSingleton(settings);
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(
            services => ActivatorUtilities.CreateInstance<SchemaMigrationParticipant>(services, database));
        AddGrainStorage(silo, database);
        silo.UseAdoNetReminderService(options =>
        {
            options.Invariant = StreamioSchema.AdoNetInvariant(database.Kind);
            options.ConnectionString = database.ConnectionString;
        });
        silo.Configure<ReminderOptions>(
            options => options.MinimumReminderPeriod = TimeSpan.FromSeconds(settings.Cluster.MinimumReminderPeriodSeconds));
    }

    private static void UseClustering(ISiloBuilder silo, StreamioSettings settings)
    {
        var cluster = settings.Cluster;
        if (cluster.Clustering == ClusteringKind.Localhost)
        {
            // Loopback endpoints and a development membership with this silo as its own primary.
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
            return;
        }
        silo.Configure<EndpointOptions>(options =>
        {
            options.SiloPort = cluster.SiloPort;
            options.GatewayPort = cluster.GatewayPort;
            if (settings.AdvertisedAddress is { } address)
            {
                options.AdvertisedIPAddress = address;
            }
        });
        if (cluster.Clustering == ClusteringKind.AzureTable)
        {
            silo.UseAzureStorageClustering(options => AzureTableClustering.Configure(options, cluster));
        }
        else
        {
            silo.UseAdoNetClustering(options =>
            {
                options.Invariant = StreamioSchema.AdoNetInvariant(DatabaseKind.Postgres);
                options.ConnectionString = settings.Database.ConnectionString;
            });
        }
    }

    private static void ConfigureMembership(StreamioClusterOptions cluster, ClusterMembershipOptions options)
    {
        if (cluster.ProbeTimeoutSeconds is { } probeTimeout)
        {
            options.ProbeTimeout = TimeSpan.FromSeconds(probeTimeout);
        }
        if (cluster.NumMissedProbesLimit is { } missedProbes)
        {
            options.NumMissedProbesLimit = missedProbes;
        }
        if (cluster.NumVotesForDeathDeclaration is { } votes)
        {
            options.NumVotesForDeathDeclaration = votes;
        }
        if (cluster.NumProbedSilos is { } probedSilos)
        {
            options.NumProbedSilos = probedSilos;
        }
        if (cluster.IAmAliveTablePublishSeconds is { } iAmAlive)
        {
            options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(iAmAlive);
        }
        if (cluster.TableRefreshSeconds is { } tableRefresh)
        {
            options.TableRefreshTimeout = TimeSpan.FromSeconds(tableRefresh);
        }
        if (cluster.DeathVoteExpirationSeconds is { } voteExpiration)
        {
            options.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(voteExpiration);
        }
        if (cluster.DefunctSiloExpirationMinutes is { } defunctExpiration)
        {
            options.DefunctSiloExpiration = TimeSpan.FromMinutes(defunctExpiration);
        }
    }

    private static void AddGrainStorage(ISiloBuilder silo, StreamioDatabaseOptions database)
    {
        silo.AddAdoNetGrainStorage(StreamioCluster.AdoNetStorageName, options =>
        {
            options.Invariant = StreamioSchema.AdoNetInvariant(database.Kind);
            options.ConnectionString = database.ConnectionString;
        });
        // System.Text.Json rather than Orleans' default (Newtonsoft with embedded .NET type names): the stored state
        // is plain JSON an operator can read in psql or sqlite3, and renaming or moving a state class, or adding a
        // property to it, does not orphan rows already written. State classes need public properties or fields.
        silo.Services.AddKeyedSingleton<IGrainStorageSerializer, SystemTextJsonGrainStorageSerializer>(StreamioCluster.AdoNetStorageName);
        // Grains reach it through the grain-type scoping (see GrainTypeScopedStorage), by name and as the default
        // storage: one provider instance, not a second one on the same tables.
        silo.Services.AddKeyedSingleton<IGrainStorage>(StreamioCluster.StorageName,
            (services, _) => new GrainTypeScopedStorage(services.GetRequiredKeyedService<IGrainStorage>(StreamioCluster.AdoNetStorageName)));
        silo.Services.AddKeyedSingleton<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME,
            (services, _) => services.GetRequiredKeyedService<IGrainStorage>(StreamioCluster.StorageName));
        silo.Services.TryAddSingleton<IGrainStorage>(services => services.GetRequiredKeyedService<IGrainStorage>(StreamioCluster.StorageName));
    }
}
