namespace Streamio.Media;

/// <summary>
/// Where FFmpeg reads a source from, and the only protocols it may use to do so.
/// A local file may use "file" only; an S3 object behind a presigned URL needs "https,tls,tcp".
/// </summary>
public sealed record MediaInput(string Location, IReadOnlyList<string> Protocols)
{
    public static MediaInput LocalFile(string path) => new(path, ["file"]);
}
