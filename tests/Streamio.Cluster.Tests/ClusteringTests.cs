using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Streamio.Cluster.Tests.Grains;
using Streamio.Cluster.Tests.Infrastructure;
using Streamio.Testing;

namespace Streamio.Cluster.Tests;

/// <summary>
/// Two silos form one cluster through shared membership, a client finds them through it, and when one silo is killed
/// outright (its process, so it cannot sign off) the other declares it dead.
/// </summary>
public abstract class ClusteringTests
{
    /// <summary>Database and clustering settings every node of one test's cluster shares (its own cluster id).</summary>
    protected abstract Task<Dictionary<string, string?>> ClusterSettingsAsync();

    /// <summary>Where membership keeps the status of the silo listening on <paramref name="siloPort"/>, if it can be read directly.</summary>
    protected virtual Task<SiloStatus?> StoredStatusAsync(int siloPort) => Task.FromResult<SiloStatus?>(null);

    [Fact]
    public async Task Two_silos_form_one_cluster_a_client_calls_in_and_a_killed_silo_is_declared_dead()
    {
        var cluster = await ClusterSettingsAsync();
        await using var survivor = await TestSilo.StartAsync(NodeSettings.ClusterMember(cluster));
        var victimSettings = NodeSettings.ClusterMember(cluster);
        var victimPort = int.Parse(victimSettings["Streamio:Cluster:SiloPort"]!);
        using var victim = await ChildSilo.StartAsync(victimSettings);
        await using var client = await TestClient.StartAsync(cluster);
        var management = client.Client.GetGrain<IManagementGrain>(0);

        await Eventually.HoldsAsync("two active silos", async () => (await management.GetHosts(onlyActive: true)).Count == 2);
        Assert.NotEmpty(await client.Client.GetGrain<IWhereGrain>(1).Silo());

        victim.Kill();

        var membership = survivor.Services.GetRequiredService<IClusterMembershipService>();
        await Eventually.HoldsAsync("the killed silo declared dead", () => Task.FromResult(
            membership.CurrentSnapshot.Members.Values.Any(member => member.SiloAddress.Endpoint.Port == victimPort && member.Status == SiloStatus.Dead)));
        if (await StoredStatusAsync(victimPort) is { } stored)
        {
            Assert.Equal(SiloStatus.Dead, stored);
        }
        await Eventually.HoldsAsync("one active silo seen by the client", async () => (await management.GetHosts(onlyActive: true)).Count == 1);
        Assert.NotEmpty(await client.Client.GetGrain<IWhereGrain>(2).Silo());
    }
}

[Collection(PostgresCollection.Name)]
public sealed class AdoNetClusteringTests(PostgresServer server) : ClusteringTests
{
    private TestDatabase? _database;

    protected override async Task<Dictionary<string, string?>> ClusterSettingsAsync()
    {
        _database = await TestDatabase.PostgresAsync(server);
        return new()
        {
            ["Streamio:Database:Kind"] = "Postgres",
            ["Streamio:Database:ConnectionString"] = _database.ConnectionString,
            ["Streamio:Cluster:Clustering"] = "AdoNet",
            ["Streamio:Cluster:ClusterId"] = $"adonet-{Guid.NewGuid():N}",
        };
    }

    protected override async Task<SiloStatus?> StoredStatusAsync(int siloPort) =>
        (SiloStatus)Convert.ToInt32(await _database!.ScalarAsync($"SELECT Status FROM OrleansMembershipTable WHERE Port = {siloPort}"));
}

[Collection(AzuriteCollection.Name)]
public sealed class AzureTableClusteringTests(AzuriteServer azurite) : ClusteringTests, IDisposable
{
    private readonly TempDirectory _directory = new("cluster-azure");

    // Grain state in one SQLite file both silos share: they run on this one machine.
    protected override Task<Dictionary<string, string?>> ClusterSettingsAsync() => Task.FromResult(new Dictionary<string, string?>
    {
        ["Streamio:Database:Kind"] = "Sqlite",
        ["Streamio:Database:ConnectionString"] = TestDatabase.Sqlite(_directory).ConnectionString,
        ["Streamio:Cluster:Clustering"] = "AzureTable",
        ["Streamio:Cluster:AzureTableConnectionString"] = azurite.ConnectionString,
        ["Streamio:Cluster:ClusterId"] = $"azure-{Guid.NewGuid():N}",
    });

    public void Dispose() => _directory.Dispose();
}
