using Streamio.Testing;

namespace Streamio.Host.Tests.Cluster;

/// <summary>
/// What every multi-process cluster test shares: one private PostgreSQL server (private, so a test may restart it) and
/// one Azurite table endpoint (telemetry off) for the tests that cluster on Azure Table. Each test gets its own database,
/// cluster id and storage folder from <see cref="ClusterRig"/>.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private readonly AzuriteServer _azurite = new();
    private bool _azuriteStarted;
    private readonly SemaphoreSlim _azuriteGate = new(1, 1);

    public PostgresServer Postgres { get; private set; } = null!;

    /// <summary>Azurite, started the first time a test needs it.</summary>
    public async Task<AzuriteServer> AzuriteAsync()
    {
        await _azuriteGate.WaitAsync();
        try
        {
            if (!_azuriteStarted)
            {
                await _azurite.InitializeAsync();
                _azuriteStarted = true;
            }
            return _azurite;
        }
        finally
        {
            _azuriteGate.Release();
        }
    }

    public async Task InitializeAsync() => Postgres = await PostgresServer.StartPrivateAsync();

    public async Task DisposeAsync()
    {
        try
        {
            await Postgres.DisposeAsync();
        }
        finally
        {
            await _azurite.DisposeAsync();
            _azuriteGate.Dispose();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster (host processes on PostgreSQL, AdoNet or Azure Table clustering)";
}

/// <summary>The two ways silos of a real cluster find each other in these tests (<c>Streamio:Cluster:Clustering</c>).</summary>
public static class Clustering
{
    /// <summary>Membership tables in PostgreSQL (the database that also holds grain state and reminders).</summary>
    public const string AdoNet = "AdoNet";

    /// <summary>Membership in Azure Table storage (Azurite here); grain state and reminders stay in PostgreSQL.</summary>
    public const string AzureTable = "AzureTable";
}
