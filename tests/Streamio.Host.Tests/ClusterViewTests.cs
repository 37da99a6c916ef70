using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Streamio.Host.Api;

namespace Streamio.Host.Tests;

/// <summary>GET /v1/cluster on the embedded node (one co-hosted silo, localhost clustering, SQLite): Orleans lists its silo.</summary>
[Collection(SharedNodeCollection.Name)]
public sealed class ClusterViewTests(SharedNodeFixture fixture)
{
    [Fact]
    public async Task The_embedded_node_lists_its_own_silo_as_active()
    {
        using var admin = fixture.Node.CreateClient(StreamioNode.AdminKey);
        var cluster = (await admin.GetFromJsonAsync<ClusterResponse>("/v1/cluster"))!;

        var silo = Assert.Single(cluster.Silos);
        var siloPort = fixture.Node.Services.GetRequiredService<IConfiguration>()["Streamio:Cluster:SiloPort"];
        // Orleans names a silo by its endpoint and generation: localhost clustering listens on loopback at the configured port.
        Assert.StartsWith($"127.0.0.1:{siloPort}@", silo.Address, StringComparison.Ordinal);
        Assert.Equal("active", silo.Status);
        Assert.Equal(Environment.MachineName, silo.Host);
        Assert.False(string.IsNullOrWhiteSpace(silo.Name));
        Assert.True(silo.Activations > 0, "the silo reports no grain activations, not even the work scheduler answering this request");
        Assert.True(silo.StartedAt <= DateTimeOffset.UtcNow);
        Assert.InRange(silo.RunningWork, 0, int.MaxValue);
        Assert.InRange(cluster.Work.Waiting, 0, int.MaxValue);
        Assert.InRange(cluster.Work.Running, 0, int.MaxValue);
    }

    [Fact]
    public async Task The_cluster_view_is_for_the_admin_only()
    {
        using var anonymous = await fixture.Node.Http.GetAsync("/v1/cluster");
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
    }
}
