using System.Globalization;
using Streamio.Testing;

namespace Streamio.Bench;

/// <summary>
/// Streamio as separate processes on this machine: <c>silos</c> silo nodes (each pinned to a core, one worker) and one
/// API node, clustered through Orleans' ADO.NET tables in a fresh database of <paramref name="postgres"/>, sharing one
/// storage folder. The API node's growing sources are read by the silos at its loopback address (its default).
/// </summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    private readonly PostgresServer _postgres;
    private readonly string _database;
    private readonly List<NodeProcess> _nodes = [];

    private BenchCluster(PostgresServer postgres, string database)
    {
        _postgres = postgres;
        _database = database;
    }

    public NodeProcess Api { get; private set; } = null!;

    public List<NodeProcess> Silos { get; } = [];

    public static async Task<BenchCluster> StartAsync(PostgresServer postgres, int silos, string root, IReadOnlyDictionary<string, string> extra, int? niceness = null)
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
        var cluster = new BenchCluster(postgres, await postgres.CreateDatabaseAsync());
        try
        {
            // Silos first: the API node is an Orleans client and is ready once it reaches a gateway.
            for (var silo = 0; silo < silos; silo++)
            {
                cluster.Silos.Add(await NodeProcess.StartAsync(cluster.Settings("silo", $"silo-{silo}", root, extra), core: silo % Environment.ProcessorCount, niceness));
                cluster._nodes.Add(cluster.Silos[^1]);
            }
            cluster.Api = await NodeProcess.StartAsync(cluster.Settings("api", "api", root, extra), core: null);
            cluster._nodes.Add(cluster.Api);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Every node finds the others through Orleans' ADO.NET membership tables in the same database.</summary>
    private Dictionary<string, string> Settings(string roles, string name, string root, IReadOnlyDictionary<string, string> extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["Streamio:Roles"] = roles,
            ["Streamio:Cluster:Clustering"] = "AdoNet",
            ["Streamio:Cluster:ClusterId"] = Path.GetFileName(root),
            ["Streamio:Cluster:AdvertisedAddress"] = "127.0.0.1",
            ["Streamio:Cluster:SiloPort"] = LoopbackPort.Free().ToString(CultureInfo.InvariantCulture),
            ["Streamio:Cluster:GatewayPort"] = LoopbackPort.Free().ToString(CultureInfo.InvariantCulture),
            ["Streamio:DataPath"] = Path.Combine(root, name),
            ["Streamio:Encoding:WorkPath"] = Path.Combine(root, name, "work"),
            ["Streamio:Storage:LocalPath"] = Path.Combine(root, "objects"),
            ["Streamio:Database:Kind"] = "Postgres",
            ["Streamio:Database:ConnectionString"] = _database,
            ["Streamio:Silo:Workers"] = "1",
            ["Streamio:Live:Rtmp:Port"] = "0",
            ["Streamio:Live:Srt:Port"] = "0",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }
        return settings;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
        await _postgres.DropDatabaseAsync(_database);
    }
}
