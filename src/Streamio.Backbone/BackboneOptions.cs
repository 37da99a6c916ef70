namespace Streamio.Backbone;

public sealed class BackboneOptions
{
    /// <summary>"Sqlite" (embedded default) or "Postgres".</summary>
    public string Kind { get; set; } = "Sqlite";

    /// <summary>The database connection string; for SQLite a file under the data folder.</summary>
    public string ConnectionString { get; set; } = "Data Source=data/streamio.db";
}
