namespace Streamio.Grains;

/// <summary>The grain storage provider every Streamio grain keeps its state in (ADO.NET: SQLite or PostgreSQL).</summary>
public static class GrainStorage
{
    public const string Name = "streamio";
}
