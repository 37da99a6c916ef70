using Streamio.Testing;

namespace Streamio.Backbone.Tests;

/// <summary>The PostgreSQL test classes share one server (found or started once); each test uses its own database.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
