using Streamio.Testing;

namespace Streamio.Host.Tests.Cluster;

/// <summary>
/// One private PostgreSQL server for every multi-process cluster test (private, so a test may restart it). Each test
/// gets its own database and storage folder from <see cref="ClusterRig"/>.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public PostgresServer Postgres { get; private set; } = null!;

    public async Task InitializeAsync() => Postgres = await PostgresServer.StartPrivateAsync();

    public async Task DisposeAsync() => await Postgres.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster (host processes on PostgreSQL)";
}
