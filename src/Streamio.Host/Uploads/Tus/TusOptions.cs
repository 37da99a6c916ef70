namespace Streamio.Host.Uploads.Tus;

/// <summary>Resumable upload settings (configuration section <c>Streamio:Tus</c>).</summary>
public sealed class TusOptions
{
    /// <summary>An upload with no new bytes for this long expires (and a finished one is forgotten).</summary>
    public double ExpirationSeconds { get; set; } = 24 * 3600;

    /// <summary>How often each API node removes expired uploads and their parts.</summary>
    public double SweepIntervalSeconds { get; set; } = 60;

    /// <summary>Where a PATCH body lands while it is checked, before it is stored as a part. Empty: <c>{DataPath}/tus</c>.</summary>
    public string ScratchPath { get; set; } = "";

    /// <summary>Origins browsers may call the tus endpoints from: "*" or a comma-separated list.</summary>
    public string CorsOrigins { get; set; } = "*";

    public TimeSpan Expiration => TimeSpan.FromSeconds(ExpirationSeconds);
}
