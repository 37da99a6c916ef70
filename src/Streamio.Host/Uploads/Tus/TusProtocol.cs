using System.Security.Cryptography;
using System.Text;

namespace Streamio.Host.Uploads.Tus;

/// <summary>The tus 1.0 vocabulary Streamio speaks: versions, extensions, header names, and their parsing.</summary>
public static class TusProtocol
{
    public const string Version = "1.0.0";
    public const string Extensions = "creation,termination,checksum,expiration";
    public const string ChecksumAlgorithms = "sha1,sha256";
    public const string OffsetContentType = "application/offset+octet-stream";
    public const int ChecksumMismatch = 460;
    public const int MaxMetadataLength = 4096;

    public const string TusResumable = "Tus-Resumable";
    public const string TusVersion = "Tus-Version";
    public const string TusExtension = "Tus-Extension";
    public const string TusMaxSize = "Tus-Max-Size";
    public const string TusChecksumAlgorithm = "Tus-Checksum-Algorithm";
    public const string UploadLength = "Upload-Length";
    public const string UploadOffset = "Upload-Offset";
    public const string UploadMetadata = "Upload-Metadata";
    public const string UploadExpires = "Upload-Expires";
    public const string UploadChecksum = "Upload-Checksum";
    public const string UploadDeferLength = "Upload-Defer-Length";
    public const string VideoIdHeader = "Streamio-Video-Id";

    /// <summary>Headers a browser must be allowed to send, and to read, for a tus client to work cross-origin.</summary>
    public static readonly string[] RequestHeaders =
        [TusResumable, UploadLength, UploadOffset, UploadMetadata, UploadChecksum, UploadDeferLength, "Content-Type", "X-HTTP-Method-Override", "X-Requested-With"];

    public static readonly string[] ResponseHeaders =
        ["Location", TusResumable, TusVersion, TusExtension, TusMaxSize, TusChecksumAlgorithm, UploadLength, UploadOffset, UploadMetadata, UploadExpires, VideoIdHeader];

    /// <summary>Parses <c>key base64,key base64,key</c>; null with an <paramref name="error"/> when it is not that.</summary>
    public static Dictionary<string, string>? ParseMetadata(string? header, out string? error)
    {
        error = null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(header))
        {
            return values;
        }
        if (header.Length > MaxMetadataLength)
        {
            error = $"Upload-Metadata is longer than {MaxMetadataLength} characters: send only filename and title.";
            return null;
        }
        foreach (var pair in header.Split(','))
        {
            var parts = pair.Trim().Split(' ');
            var key = parts[0];
            if (parts.Length > 2 || key.Length == 0 || values.ContainsKey(key))
            {
                error = "Upload-Metadata must be comma-separated 'key base64value' pairs with distinct keys (e.g. 'filename Y2xpcC5tcDQ=,title TXkgdmlkZW8=').";
                return null;
            }
            try
            {
                values[key] = parts.Length == 2 ? new UTF8Encoding(false, true).GetString(Convert.FromBase64String(parts[1])) : "";
            }
            catch (Exception decode) when (decode is FormatException or DecoderFallbackException)
            {
                error = $"The Upload-Metadata value of '{key}' is not base64-encoded UTF-8.";
                return null;
            }
        }
        return values;
    }

    /// <summary>Parses a non-negative integer header (Upload-Length, Upload-Offset).</summary>
    public static bool TryParseSize(string? value, out long size) =>
        long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out size);

    /// <summary>An HTTP-date (RFC 9110), as Upload-Expires is written.</summary>
    public static string HttpDate(DateTimeOffset time) => time.ToUniversalTime().ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>An <c>Upload-Checksum</c> the client sent: the algorithm and the digest the chunk must have.</summary>
public sealed class TusChecksum
{
    private TusChecksum(HashAlgorithmName algorithm, byte[] expected)
    {
        Algorithm = algorithm;
        Expected = expected;
    }

    public HashAlgorithmName Algorithm { get; }

    public byte[] Expected { get; }

    /// <summary>Null with an <paramref name="error"/> for an unknown algorithm or a digest that is not base64.</summary>
    public static TusChecksum? Parse(string header, out string? error)
    {
        error = null;
        var parts = header.Trim().Split(' ');
        HashAlgorithmName? algorithm = parts[0].ToLowerInvariant() switch
        {
            "sha1" => HashAlgorithmName.SHA1,
            "sha256" => HashAlgorithmName.SHA256,
            _ => null,
        };
        if (parts.Length != 2 || algorithm is null)
        {
            error = $"Upload-Checksum must be '<algorithm> <base64 digest>' with an algorithm of {TusProtocol.ChecksumAlgorithms}.";
            return null;
        }
        try
        {
            return new TusChecksum(algorithm.Value, Convert.FromBase64String(parts[1]));
        }
        catch (FormatException)
        {
            error = "The Upload-Checksum digest is not base64.";
            return null;
        }
    }

    public IncrementalHash CreateHash() => IncrementalHash.CreateHash(Algorithm);
}
