namespace Streamio.Cluster;

/// <summary>The <c>Streamio:Database</c> section: where grain state and reminders live.</summary>
public sealed class StreamioDatabaseOptions
{
    public const string SectionName = "Streamio:Database";

    /// <summary><c>Sqlite</c> (default) or <c>Postgres</c>.</summary>
    public DatabaseKind Kind { get; set; } = DatabaseKind.Sqlite;

    /// <summary>A Microsoft.Data.Sqlite or Npgsql connection string. The default keeps the file under <c>./data</c>.</summary>
    public string ConnectionString { get; set; } = "Data Source=data/streamio.db";
}
