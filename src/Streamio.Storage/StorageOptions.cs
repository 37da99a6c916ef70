namespace Streamio.Storage;

public sealed class StorageOptions
{
    /// <summary>"Local" (embedded default) or "S3".</summary>
    public string Kind { get; set; } = "Local";

    /// <summary>Root folder of the local backend.</summary>
    public string LocalPath { get; set; } = "data/objects";
}
