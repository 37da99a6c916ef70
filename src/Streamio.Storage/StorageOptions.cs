namespace Streamio.Storage;

public sealed class StorageOptions
{
    /// <summary>"Local" (embedded default) or "S3".</summary>
    public string Kind { get; set; } = "Local";

    /// <summary>Root folder of the local backend.</summary>
    public string LocalPath { get; set; } = "data/objects";

    /// <summary>S3 endpoint (MinIO, s3rver, another S3-compatible service); empty means AWS itself, chosen by <see cref="Region"/>.</summary>
    public string ServiceUrl { get; set; } = "";

    public string Bucket { get; set; } = "streamio";

    public string Region { get; set; } = "us-east-1";

    /// <summary>Empty access and secret keys: the AWS SDK's default credential chain (environment, profile, instance role).</summary>
    public string AccessKey { get; set; } = "";

    public string SecretKey { get; set; } = "";

    /// <summary>Path-style URLs (endpoint/bucket/key), which S3-compatible servers usually need.</summary>
    public bool ForcePathStyle { get; set; } = true;

    /// <summary>Prepended to every key, so Streamio can share a bucket (e.g. "streamio/").</summary>
    public string KeyPrefix { get; set; } = "";

    /// <summary>Create the bucket at start-up when it does not exist.</summary>
    public bool CreateBucket { get; set; }

    /// <summary>Part size of multipart uploads (at least 5 MiB); one part is held in memory per upload in flight.</summary>
    public int PartSizeBytes { get; set; } = 8 * 1024 * 1024;
}
