namespace Streamio.Bench;

/// <summary>The settings that put everything an embedded node keeps (database, objects, scratch) under one folder.</summary>
internal static class EmbeddedData
{
    public static Dictionary<string, string?> Settings(string data) => new()
    {
        ["Streamio:DataPath"] = data,
        ["Streamio:Storage:LocalPath"] = Path.Combine(data, "objects"),
        ["Streamio:Database:ConnectionString"] = $"Data Source={Path.Combine(data, "streamio.db")}",
        ["Streamio:Encoding:WorkPath"] = Path.Combine(data, "work"),
    };
}
