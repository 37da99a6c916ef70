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
        using var admin = fixture.Node.CreateClient(StreamioNode.AdminKey);
        var cluster = (await admin.GetFromJsonAsync<ClusterResponse>("/v1/cluster"))!;

        var silo = Assert.Single(cluster.Silos);
        Assert.Equal(Environment.MachineName, silo.Host);
        Assert.Equal("silo", silo.Roles);
        Assert.Contains($"-{Environment.ProcessId}-", silo.Id, StringComparison.Ordinal);
        Assert.InRange(silo.HeartbeatAgeSeconds, 0, 60);
        Assert.True(silo.StartedAt <= DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task The_cluster_view_is_for_the_admin_only()
    {
        using var anonymous = await fixture.Node.Http.GetAsync("/v1/cluster");
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
    }
}
