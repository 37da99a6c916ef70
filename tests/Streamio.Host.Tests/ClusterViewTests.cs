using System.Net.Http.Json;
using Streamio.Host.Api;

namespace Streamio.Host.Tests;

/// <summary>GET /v1/cluster on the embedded node (SQLite): its in-process silo is listed.</summary>
[Collection(SharedNodeCollection.Name)]
public sealed class ClusterViewTests(SharedNodeFixture fixture)
{
    [Fact]
    public async Task The_embedded_node_lists_its_own_silo_with_a_fresh_heartbeat()
    {
        var cluster = (await fixture.Node.Http.GetFromJsonAsync<ClusterResponse>("/v1/cluster"))!;

        var silo = Assert.Single(cluster.Silos);
        Assert.Equal(Environment.MachineName, silo.Host);
        Assert.Equal("silo", silo.Roles);
        Assert.Contains($"-{Environment.ProcessId}-", silo.Id, StringComparison.Ordinal);
        Assert.InRange(silo.HeartbeatAgeSeconds, 0, 60);
        Assert.True(silo.StartedAt <= DateTimeOffset.UtcNow);
    }
}
