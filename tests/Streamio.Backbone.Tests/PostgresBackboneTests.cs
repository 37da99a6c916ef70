using Streamio.Backbone.Postgres;
using Streamio.Testing;

namespace Streamio.Backbone.Tests;

/// <summary>The contract suite against PostgreSQL, one fresh database per test.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresBackboneTests(PostgresServer server) : BackboneContract, IAsyncLifetime
{
    private readonly List<PostgresBackbone> _backbones = [];
    private string? _database;

    protected override async Task<IBackbone> CreateBackboneAsync()
    {
        _database ??= await server.CreateDatabaseAsync();
        var backbone = new PostgresBackbone(_database, Signals, Clock);
        _backbones.Add(backbone);
        await backbone.MigrateAsync(CancellationToken.None);
        return backbone;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var backbone in _backbones)
        {
            await backbone.DisposeAsync();
        }
        if (_database is not null)
        {
            await server.DropDatabaseAsync(_database);
        }
    }
}
