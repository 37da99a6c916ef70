using Streamio.Testing;

namespace Streamio.Cluster.Tests.Infrastructure;

/// <summary>Configuration for a test node, as the host would read it from appsettings or environment variables.</summary>
public static class NodeSettings
{
    /// <summary>A single localhost silo on free ports, with reminders allowed down to one second.</summary>
    public static Dictionary<string, string?> Localhost(TestDatabase database) => new()
    {
        ["Streamio:Database:Kind"] = database.Kind.ToString(),
        ["Streamio:Database:ConnectionString"] = database.ConnectionString,
        ["Streamio:Cluster:Clustering"] = "Localhost",
        ["Streamio:Cluster:SiloPort"] = NextPort().ToString(),
        ["Streamio:Cluster:GatewayPort"] = NextPort().ToString(),
        ["Streamio:Cluster:MinimumReminderPeriodSeconds"] = "1",
    };

    /// <summary>
    /// A member of a real cluster on loopback, tuned to notice a dead silo within seconds: probes time out after one
    /// second, two misses make a suspicion, and one vote (the only other silo's) declares death.
    /// </summary>
    public static Dictionary<string, string?> ClusterMember(Dictionary<string, string?> clustering) => new(clustering)
    {
        ["Streamio:Cluster:SiloPort"] = NextPort().ToString(),
        ["Streamio:Cluster:GatewayPort"] = NextPort().ToString(),
        ["Streamio:Cluster:AdvertisedAddress"] = "127.0.0.1",
        ["Streamio:Cluster:ProbeTimeoutSeconds"] = "1",
        ["Streamio:Cluster:NumMissedProbesLimit"] = "2",
        ["Streamio:Cluster:NumVotesForDeathDeclaration"] = "1",
        ["Streamio:Cluster:IAmAliveTablePublishSeconds"] = "2",
        ["Streamio:Cluster:TableRefreshSeconds"] = "2",
    };

    private static readonly HashSet<int> Handed = [];

    /// <summary>A free loopback port not handed to another node of this test run.</summary>
    public static int NextPort()
    {
        lock (Handed)
        {
            while (true)
            {
                var port = LoopbackPort.Free();
                if (Handed.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
