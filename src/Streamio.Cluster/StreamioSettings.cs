using System.Net;
using Microsoft.Extensions.Configuration;

namespace Streamio.Cluster;

/// <summary>
/// Both sections read from configuration and checked together, so a bad value stops the node while it is being
/// configured, with a message that names the key, rather than as an obscure failure once Orleans starts.
/// <c>UseStreamioCluster</c> also registers the instance it read as a singleton, for the rest of the host.
/// </summary>
public sealed record StreamioSettings(StreamioDatabaseOptions Database, StreamioClusterOptions Cluster)
{
    private const string DatabaseKey = StreamioDatabaseOptions.SectionName;
    private const string ClusterKey = StreamioClusterOptions.SectionName;

    /// <summary>Binds <c>Streamio:Database</c> and <c>Streamio:Cluster</c>; throws <see cref="StreamioConfigurationException"/> if they do not make a working node.</summary>
    public static StreamioSettings Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        RequireEnumName<DatabaseKind>(configuration, $"{DatabaseKey}:Kind");
        RequireEnumName<ClusteringKind>(configuration, $"{ClusterKey}:Clustering");
        var settings = new StreamioSettings(
            Bind<StreamioDatabaseOptions>(configuration, DatabaseKey),
            Bind<StreamioClusterOptions>(configuration, ClusterKey));
        settings.Validate();
        return settings;
    }

    /// <summary>The parsed <c>Streamio:Cluster:AdvertisedAddress</c>, or null to let Orleans choose.</summary>
    public IPAddress? AdvertisedAddress =>
        string.IsNullOrWhiteSpace(Cluster.AdvertisedAddress) ? null : IPAddress.Parse(Cluster.AdvertisedAddress.Trim());

    private void Validate()
    {
        Require(!string.IsNullOrWhiteSpace(Database.ConnectionString), $"{DatabaseKey}:ConnectionString is empty.");
        Require(!string.IsNullOrWhiteSpace(Cluster.ClusterId), $"{ClusterKey}:ClusterId is empty.");
        Require(!string.IsNullOrWhiteSpace(Cluster.ServiceId), $"{ClusterKey}:ServiceId is empty.");
        RequirePort(Cluster.SiloPort, "SiloPort");
        RequirePort(Cluster.GatewayPort, "GatewayPort");
        Require(string.IsNullOrWhiteSpace(Cluster.AdvertisedAddress) || IPAddress.TryParse(Cluster.AdvertisedAddress.Trim(), out _),
            $"{ClusterKey}:AdvertisedAddress '{Cluster.AdvertisedAddress}' is not an IP address (leave it empty to let Orleans pick this host's address).");
        Require(Cluster.Clustering != ClusteringKind.AdoNet || Database.Kind == DatabaseKind.Postgres,
            $"{ClusterKey}:Clustering is AdoNet, which keeps cluster membership in PostgreSQL, but {DatabaseKey}:Kind is {Database.Kind}. " +
            "A SQLite file cannot be shared by the silos of a cluster: use Postgres, or AzureTable clustering, or Localhost for a single node.");
        Require(Cluster.Clustering != ClusteringKind.AzureTable || !string.IsNullOrWhiteSpace(Cluster.AzureTableConnectionString),
            $"{ClusterKey}:Clustering is AzureTable but {ClusterKey}:AzureTableConnectionString is empty " +
            "(an Azure Storage connection string; for Azurite, UseDevelopmentStorage=true).");
        RequirePositive(Cluster.ProbeTimeoutSeconds, "ProbeTimeoutSeconds");
        RequirePositive(Cluster.NumMissedProbesLimit, "NumMissedProbesLimit");
        RequirePositive(Cluster.NumVotesForDeathDeclaration, "NumVotesForDeathDeclaration");
        RequirePositive(Cluster.NumProbedSilos, "NumProbedSilos");
        RequirePositive(Cluster.IAmAliveTablePublishSeconds, "IAmAliveTablePublishSeconds");
        RequirePositive(Cluster.TableRefreshSeconds, "TableRefreshSeconds");
        RequirePositive(Cluster.DeathVoteExpirationSeconds, "DeathVoteExpirationSeconds");
        RequirePositive(Cluster.DefunctSiloExpirationMinutes, "DefunctSiloExpirationMinutes");
        Require(Cluster.MinimumReminderPeriodSeconds >= 0, $"{ClusterKey}:MinimumReminderPeriodSeconds must not be negative.");
    }

    private static T Bind<T>(IConfiguration configuration, string section)
        where T : new()
    {
        try
        {
            return configuration.GetSection(section).Get<T>() ?? new T();
        }
        catch (InvalidOperationException error)
        {
            // The binder's own message already names the key and the value ("Failed to convert configuration value ...").
            throw new StreamioConfigurationException(error.Message, error);
        }
    }

    /// <summary>Enum values must be spelled by name: the binder would also take "1", and its error does not list the choices.</summary>
    private static void RequireEnumName<TEnum>(IConfiguration configuration, string key)
        where TEnum : struct, Enum
    {
        var value = configuration[key];
        if (!string.IsNullOrWhiteSpace(value) && !Enum.GetNames<TEnum>().Any(name => name.Equals(value.Trim(), StringComparison.OrdinalIgnoreCase)))
        {
            throw new StreamioConfigurationException($"{key} is '{value}'; it must be one of {string.Join(", ", Enum.GetNames<TEnum>())}.");
        }
    }

    private static void RequirePort(int port, string name) =>
        Require(port is > 0 and <= 65535, $"{ClusterKey}:{name} is {port}; it must be a TCP port (1-65535).");

    private static void RequirePositive(double? value, string name) =>
        Require(value is null or > 0, $"{ClusterKey}:{name} is {value}; it must be greater than zero (or unset for Orleans' default).");

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new StreamioConfigurationException(message);
        }
    }
}
