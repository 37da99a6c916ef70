namespace Streamio.Host.Uploads.Progressive;

/// <summary>Encoding while uploading (configuration section <c>Streamio:Progressive</c>).</summary>
public sealed class ProgressiveOptions
{
    /// <summary>Off: every upload is encoded after its last byte, as before issue 14.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How silos reach this API node's growing sources (e.g. <c>http://api-0.streamio:8080</c>). Empty: the first
    /// address this node listens on, with a wildcard host read as loopback (right for embedded mode only).
    /// </summary>
    public string SourceBaseUrl { get; set; } = "";

    /// <summary>How many bytes of the head may be read to tell the layout; past this the upload takes today's path.</summary>
    public int MaxHeadBytes { get; set; } = 1024 * 1024;
}
