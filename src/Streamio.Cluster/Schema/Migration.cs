namespace Streamio.Cluster.Schema;

/// <summary>
/// One step of the schema: DDL run once, plus the <c>OrleansQuery</c> rows it adds or replaces (the ADO.NET providers
/// read their SQL from that table, so a changed query is an upsert of its row in a later migration).
/// </summary>
/// <param name="Version">1, 2, 3…: applied in order, each exactly once per database.</param>
/// <param name="Description">Kept in <c>streamio_schema</c> so an operator can see what ran.</param>
/// <param name="Script">DDL (one or more statements); may be empty.</param>
/// <param name="Queries">Query key → query text, as the Orleans providers look them up.</param>
internal sealed record Migration(int Version, string Description, string Script, IReadOnlyDictionary<string, string> Queries);
