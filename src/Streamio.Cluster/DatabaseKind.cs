namespace Streamio.Cluster;

/// <summary>The database behind grain state and reminders (and, on PostgreSQL, optionally cluster membership).</summary>
public enum DatabaseKind
{
    /// <summary>One file on the local disk: embedded mode, no server.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server shared by every silo of a cluster.</summary>
    Postgres,
}
