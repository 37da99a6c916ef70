namespace Streamio.Media;

/// <summary>
/// Where FFmpeg reads a source from, and the only protocols it may use to do so.
/// A local file may use "file" only; an S3 object behind a presigned URL needs "https,tls,tcp".
/// <paramref name="Formats"/> narrows the demuxers for inputs Streamio made itself; null means the configured
/// allowlist for sources from strangers.
/// </summary>
public sealed record MediaInput(string Location, IReadOnlyList<string> Protocols, string? Formats = null)
{
    public static MediaInput LocalFile(string path) => new(path, ["file"]);

    /// <summary>One of Streamio's own renditions, decrypted to an MPEG-TS file (images rebuilt after the source is gone).</summary>
    public static MediaInput OwnRendition(string path) => new(path, ["file"], "mpegts");
}
