using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Streamio.Cluster.Tests;

/// <summary>What configuration turns into, and how a bad one is refused before anything starts.</summary>
public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("Streamio:Cluster:Clustering", "Carrier", "Streamio:Cluster:Clustering")]
    [InlineData("Streamio:Database:Kind", "Oracle", "Streamio:Database:Kind")]
    [InlineData("Streamio:Cluster:SiloPort", "eleven", "Streamio:Cluster:SiloPort")]
    [InlineData("Streamio:Cluster:GatewayPort", "70000", "Streamio:Cluster:GatewayPort")]
    [InlineData("Streamio:Cluster:AdvertisedAddress", "silo-1.local", "Streamio:Cluster:AdvertisedAddress")]
    [InlineData("Streamio:Cluster:ProbeTimeoutSeconds", "0", "Streamio:Cluster:ProbeTimeoutSeconds")]
    [InlineData("Streamio:Database:ConnectionString", "", "Streamio:Database:ConnectionString")]
    public void A_bad_value_stops_the_silo_with_a_message_naming_the_setting(string key, string value, string named)
    {
        var error = Assert.Throws<StreamioConfigurationException>(() => BuildSilo(new() { [key] = value }));

        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void AdoNet_clustering_on_sqlite_is_refused_for_silos_and_clients()
    {
        var settings = new Dictionary<string, string?> { ["Streamio:Cluster:Clustering"] = "AdoNet" };

        var silo = Assert.Throws<StreamioConfigurationException>(() => BuildSilo(settings));
        var client = Assert.Throws<StreamioConfigurationException>(() => BuildClient(settings));

        foreach (var error in new[] { silo, client })
        {
            Assert.Contains("Streamio:Cluster:Clustering", error.Message);
            Assert.Contains("Streamio:Database:Kind", error.Message);
        }
    }

    [Fact]
    public void AzureTable_clustering_without_a_connection_string_is_refused()
    {
        var settings = new Dictionary<string, string?> { ["Streamio:Cluster:Clustering"] = "AzureTable" };

        var error = Assert.Throws<StreamioConfigurationException>(() => BuildSilo(settings));

        Assert.Contains("Streamio:Cluster:AzureTableConnectionString", error.Message);
    }

    [Fact]
    public void Defaults_are_an_embedded_node()
    {
        var settings = StreamioSettings.Read(new ConfigurationBuilder().Build());

        Assert.Equal(DatabaseKind.Sqlite, settings.Database.Kind);
        Assert.Equal("Data Source=data/streamio.db", settings.Database.ConnectionString);
        Assert.Equal(ClusteringKind.Localhost, settings.Cluster.Clustering);
        Assert.Equal(("streamio", "streamio", 11111, 30000), (settings.Cluster.ClusterId, settings.Cluster.ServiceId, settings.Cluster.SiloPort, settings.Cluster.GatewayPort));
        Assert.Null(settings.AdvertisedAddress);
        Assert.False(settings.Cluster.Kubernetes);
        Assert.Equal(5, settings.Cluster.MinimumReminderPeriodSeconds);
    }

    [Fact]
    public void Settings_reach_the_orleans_options()
    {
        using var host = BuildSilo(new()
        {
            ["Streamio:Database:Kind"] = "postgres",
            ["Streamio:Database:ConnectionString"] = "Host=127.0.0.1;Database=streamio",
            ["Streamio:Cluster:Clustering"] = "adonet",
            ["Streamio:Cluster:ClusterId"] = "blue",
            ["Streamio:Cluster:ServiceId"] = "videos",
            ["Streamio:Cluster:SiloPort"] = "12000",
            ["Streamio:Cluster:GatewayPort"] = "31000",
            ["Streamio:Cluster:AdvertisedAddress"] = "10.1.2.3",
            ["Streamio:Cluster:ProbeTimeoutSeconds"] = "2",
            ["Streamio:Cluster:NumMissedProbesLimit"] = "4",
            ["Streamio:Cluster:NumVotesForDeathDeclaration"] = "1",
            ["Streamio:Cluster:NumProbedSilos"] = "3",
            ["Streamio:Cluster:IAmAliveTablePublishSeconds"] = "10",
            ["Streamio:Cluster:TableRefreshSeconds"] = "15",
            ["Streamio:Cluster:DeathVoteExpirationSeconds"] = "40",
            ["Streamio:Cluster:DefunctSiloExpirationMinutes"] = "90",
            ["Streamio:Cluster:MinimumReminderPeriodSeconds"] = "2.5",
        });

        Assert.Equal("blue", host.Services.GetRequiredService<StreamioSettings>().Cluster.ClusterId);
        var cluster = Options<ClusterOptions>(host);
        Assert.Equal(("blue", "videos"), (cluster.ClusterId, cluster.ServiceId));
        var endpoints = Options<EndpointOptions>(host);
        Assert.Equal((12000, 31000, "10.1.2.3"), (endpoints.SiloPort, endpoints.GatewayPort, endpoints.AdvertisedIPAddress.ToString()));
        var membership = Options<ClusterMembershipOptions>(host);
        Assert.Equal(TimeSpan.FromSeconds(2), membership.ProbeTimeout);
        Assert.Equal((4, 1, 3), (membership.NumMissedProbesLimit, membership.NumVotesForDeathDeclaration, membership.NumProbedSilos));
        Assert.Equal(TimeSpan.FromSeconds(10), membership.IAmAliveTablePublishTimeout);
        Assert.Equal(TimeSpan.FromSeconds(15), membership.TableRefreshTimeout);
        Assert.Equal(TimeSpan.FromSeconds(40), membership.DeathVoteExpirationTimeout);
        Assert.Equal(TimeSpan.FromMinutes(90), membership.DefunctSiloExpiration);
        Assert.Equal(TimeSpan.FromSeconds(2.5), Options<ReminderOptions>(host).MinimumReminderPeriod);
        var storage = host.Services.GetRequiredService<IOptionsMonitor<AdoNetGrainStorageOptions>>().Get(StreamioCluster.AdoNetStorageName);
        Assert.Equal(("Npgsql", "Host=127.0.0.1;Database=streamio"), (storage.Invariant, storage.ConnectionString));
        Assert.IsType<Orleans.Storage.SystemTextJsonGrainStorageSerializer>(storage.GrainStorageSerializer);
        Assert.Equal("Npgsql", Options<AdoNetReminderTableOptions>(host).Invariant);
        Assert.Equal("Npgsql", Options<AdoNetClusteringSiloOptions>(host).Invariant);
    }

    [Fact]
    public void Sqlite_goes_to_orleans_under_the_invariant_it_maps_to_microsoft_data_sqlite()
    {
        using var host = BuildSilo(new() { ["Streamio:Database:ConnectionString"] = "Data Source=/tmp/x.db" });

        var storage = host.Services.GetRequiredService<IOptionsMonitor<AdoNetGrainStorageOptions>>().Get(StreamioCluster.AdoNetStorageName);
        Assert.Equal("System.Data.SQLite", storage.Invariant);
        Assert.Equal("System.Data.SQLite", Options<AdoNetReminderTableOptions>(host).Invariant);
    }

    [Fact]
    public void Kubernetes_hosting_is_added_only_when_asked_for()
    {
        // Registered, not resolved: the Kubernetes agent needs a pod's environment to be created.
        static bool HasKubernetesAgent(HostApplicationBuilder builder) =>
            builder.Services.Any(service => service.ImplementationType?.Name == "KubernetesClusterAgent");

        Assert.False(HasKubernetesAgent(SiloBuilder([])));
        Assert.True(HasKubernetesAgent(SiloBuilder(new() { ["Streamio:Cluster:Kubernetes"] = "true" })));
    }

    private static T Options<T>(IHost host)
        where T : class => host.Services.GetRequiredService<IOptions<T>>().Value;

    private static IHost BuildSilo(Dictionary<string, string?> settings) => SiloBuilder(settings).Build();

    private static HostApplicationBuilder SiloBuilder(Dictionary<string, string?> settings)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleans(silo => silo.UseStreamioCluster(builder.Configuration));
        return builder;
    }

    private static IHost BuildClient(Dictionary<string, string?> settings)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleansClient(client => client.UseStreamioCluster(builder.Configuration));
        return builder.Build();
    }
}
