using Streamio.Backbone.Sqlite;

namespace Streamio.Backbone.Tests;

/// <summary>The contract suite against the embedded SQLite backend, one fresh database file per test.</summary>
public sealed class SqliteBackboneTests : BackboneContract, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("streamio-sqlite-").FullName;

    protected override async Task<IBackbone> CreateBackboneAsync()
    {
        var backbone = new SqliteBackbone($"Data Source={Path.Combine(_directory, "test.db")};Pooling=False", Signals, Clock);
        await backbone.MigrateAsync(CancellationToken.None);
        return backbone;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
