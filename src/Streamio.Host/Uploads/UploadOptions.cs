namespace Streamio.Host.Uploads;

/// <summary>Direct uploads and ingest by key (configuration section <c>Streamio:Uploads</c>).</summary>
public sealed class UploadOptions
{
    /// <summary>How long an upload URL from POST /v1/uploads works.</summary>
    public int UrlTtlSeconds { get; set; } = 3600;

    /// <summary>HMAC key of Streamio's own upload URLs (local storage). Empty: generated into the data folder.</summary>
    public string SigningSecret { get; set; } = "";

    /// <summary>Shared secret S3 event notifications must carry in <see cref="NotificationSecretHeader"/>. Empty: the endpoint refuses everything.</summary>
    public string NotificationSecret { get; set; } = "";

    /// <summary>
    /// Objects that POST /v1/videos/ingest may read, by key prefix; each project reads only from
    /// <c>{IngestPrefix}{projectId}/</c>. Empty: ingest by key is off.
    /// </summary>
    public string IngestPrefix { get; set; } = "ingest/";

    public static string IngestPrefixOf(string ingestPrefix, string projectId) => $"{ingestPrefix}{projectId}/";

    public const string NotificationSecretHeader = "X-Streamio-Notification-Secret";
}
