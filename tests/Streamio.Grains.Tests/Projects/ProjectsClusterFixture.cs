using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;
using Streamio.Cluster;
using Streamio.Testing;

using Streamio.Grains.Hosting;

namespace Streamio.Grains.Tests.Projects;

/// <summary>
/// Two in-process silos (Orleans TestingHost) running the project, key, upload, tus and webhook grains, with grain state
/// and reminders on SQLite through Orleans' ADO.NET providers and Streamio's schema, so a killed silo loses nothing.
/// Short membership timings make a killed silo declared dead within seconds; short retry delays make a receiver that
/// comes back reached quickly (the doubling and its cap stay in play).
/// </summary>
public sealed class ProjectsClusterFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new("streamio-projects-");

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public string Database => $"Data Source={_data.Combine("streamio.db")}";

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(2);
        var settings = new Dictionary<string, string>
        {
            ["Streamio:Database:ConnectionString"] = Database,
            ["Streamio:Webhooks:TimeoutSeconds"] = "5",
            ["Streamio:Webhooks:FirstRetrySeconds"] = "0.2",
            ["Streamio:Webhooks:MaxRetryIntervalSeconds"] = "1",
            ["Streamio:Webhooks:ReminderPeriodSeconds"] = "1",
            ["Streamio:Webhooks:RetryForHours"] = "1",
        };
        foreach (var (key, value) in settings)
        {
            builder.Properties[key] = value;
        }
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _data.Dispose();
    }

    /// <summary>The reminders a grain has registered, as the reminder table holds them.</summary>
    public async Task<IReadOnlyList<string>> RemindersOfAsync(IAddressable grain)
    {
        var table = Cluster.GetSiloServiceProvider(Cluster.Primary!.SiloAddress).GetRequiredService<IReminderTable>();
        return (await table.ReadRows(grain.GetGrainId())).Reminders.Select(reminder => reminder.ReminderName).ToList();
    }

    /// <summary>Every stored state (JSON) of a grain type's state, by grain key (integer-like keys show as null).</summary>
    public async Task<IReadOnlyList<(string? Key, string Json)>> StoredStatesAsync(string grainType, string stateName)
    {
        await using var connection = new SqliteConnection(Database);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT GrainIdExtensionString, PayloadBinary FROM OrleansStorage WHERE GrainTypeString = $state AND PayloadBinary IS NOT NULL";
        command.Parameters.AddWithValue("$state", $"{grainType}/{stateName}"); // storage is scoped by grain type
        var rows = new List<(string?, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.IsDBNull(0) ? null : reader.GetString(0), Encoding.UTF8.GetString((byte[])reader[1])));
        }
        return rows;
    }

    /// <summary>The stored state (JSON) of a string-keyed grain, or null when it has none.</summary>
    public async Task<string?> StoredStateAsync(string grainType, string stateName, string grainKey) =>
        (await StoredStatesAsync(grainType, stateName)).FirstOrDefault(row => row.Key == grainKey).Json;

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var configuration = silo.Configuration;
            // Production's database side (schema, grain storage, reminders) on SQLite; TestingHost does the clustering.
            silo.AddStreamioPersistence(configuration);
            silo.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            // A killed silo is declared dead after a few missed probes; one vote is enough with two silos.
            silo.Configure<ClusterMembershipOptions>(options =>
            {
                options.ProbeTimeout = TimeSpan.FromSeconds(1);
                options.NumMissedProbesLimit = 2;
                options.NumVotesForDeathDeclaration = 1;
            });
            silo.Services.AddStreamioWebhookDelivery(configuration);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ProjectsClusterCollection : ICollectionFixture<ProjectsClusterFixture>
{
    public const string Name = "projects cluster";
}
