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

    /// <summary>The lifetime a playback request asks for (default when null), or the 400 that says why it cannot have it; the viewer is checked too.</summary>
    public (int TtlSeconds, IResult? Error) Check(int? ttlSeconds, string? viewer)
    {
        var ttl = ttlSeconds ?? DefaultTtlSeconds;
        if (ttl < 1 || ttl > MaxTtlSeconds)
        {
            return (ttl, Http.Problems.BadRequest($"ttlSeconds must be between 1 and {MaxTtlSeconds}."));
        }
        if (viewer is { Length: > 200 } || viewer?.Contains('|') == true)
        {
            return (ttl, Http.Problems.BadRequest("viewer must be at most 200 characters and contain no '|'."));
        }
        return (ttl, null);
    }

    public bool RedirectsSegments => SegmentDelivery.Equals("Redirect", StringComparison.OrdinalIgnoreCase);
}
