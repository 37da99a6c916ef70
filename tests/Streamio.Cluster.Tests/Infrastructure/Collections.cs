using Streamio.Testing;

namespace Streamio.Cluster.Tests.Infrastructure;

/// <summary>Tests on PostgreSQL share one server (each takes a fresh database from it).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}

/// <summary>Tests on Azure Table clustering share one Azurite (each uses its own cluster id).</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteServer>
{
    public const string Name = "Azurite";
}
