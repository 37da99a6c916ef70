namespace Streamio.Media;

/// <summary>
/// Where FFmpeg reads a source from, and the only protocols it may use to do so.
/// A local file may use "file" only; an S3 object behind a presigned URL needs "https,tls,tcp".
/// <paramref name="Formats"/> narrows the demuxers for inputs Streamio made itself; null means the configured
/// allowlist for sources from strangers.
/// </summary>
public sealed record MediaInput(string Location, IReadOnlyList<string> Protocols, string? Formats = null)
{
    /// <summary>
    /// An upload still arriving, read from the front over HTTP: its duration may be unknown to the probe, and a read
    /// may wait as long as the uploader pauses (<see cref="FfmpegOptions.GrowingReadTimeout"/>).
    /// </summary>
    public bool Growing { get; init; }

    /// <summary>The growing source of an upload in progress (<c>GET /internal/sources/{videoId}</c> on the node receiving it).</summary>
    public static MediaInput GrowingUpload(string url) => new(url, ["http", "tcp"]) { Growing = true };

    public static MediaInput LocalFile(string path) => new(path, ["file"]);

    /// <summary>One of Streamio's own renditions, decrypted to an MPEG-TS file (images rebuilt after the source is gone).</summary>
    public static MediaInput OwnRendition(string path) => new(path, ["file"], "mpegts");
}
