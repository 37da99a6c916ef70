namespace Streamio.Host.Playback;

/// <summary>Playback token settings (configuration section <c>Streamio:Playback</c>).</summary>
public sealed class PlaybackOptions
{
    /// <summary>HMAC-SHA256 secret (at least 32 characters). Empty: one is generated and kept in the data folder.</summary>
    public string TokenSecret { get; set; } = "";

    public int DefaultTtlSeconds { get; set; } = 3600;

    public int MaxTtlSeconds { get; set; } = 7 * 24 * 3600;

    /// <summary>"Serve" (Streamio streams segments) or "Redirect" (302 to a short-lived presigned S3 URL; S3 storage only).</summary>
    public string SegmentDelivery { get; set; } = "Serve";

    /// <summary>Lifetime of a segment's presigned URL when segments are redirected.</summary>
    public int SegmentUrlTtlSeconds { get; set; } = 300;

    public bool RedirectsSegments => SegmentDelivery.Equals("Redirect", StringComparison.OrdinalIgnoreCase);
}
