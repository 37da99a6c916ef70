using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Streamio.Host.Configuration;

namespace Streamio.Host.Uploads;

public enum UploadUrlCheck
{
    Valid,
    Invalid,
    Expired,
}

/// <summary>Streamio's own upload URLs (local storage): /v1/uploads/{id}/content?exp=…&amp;sig=HMAC-SHA256(id.exp).</summary>
public sealed class UploadUrlSigner
{
    private readonly byte[] _secret;
    private readonly TimeProvider _time;

    public UploadUrlSigner(IOptions<UploadOptions> options, IOptions<StreamioOptions> streamio, TimeProvider time)
    {
        _time = time;
        _secret = Encoding.UTF8.GetBytes(SecretFiles.Resolve(options.Value.SigningSecret, "Streamio:Uploads:SigningSecret", streamio.Value.DataPath, "upload-url.secret"));
    }

    /// <summary>The path and query of the PUT URL for <paramref name="uploadId"/>.</summary>
    public string PathFor(string uploadId, DateTimeOffset expiresAt)
    {
        return $"/v1/uploads/{uploadId}/content?{QueryFor(uploadId, expiresAt)}";
    }

    /// <summary>"exp=…&amp;sig=…" for <paramref name="subject"/> (an upload id, or another route's own subject).</summary>
    public string QueryFor(string subject, DateTimeOffset expiresAt)
    {
        var expires = expiresAt.ToUnixTimeSeconds();
        return $"exp={expires}&sig={Sign(subject, expires)}";
    }

    public UploadUrlCheck Check(string uploadId, long? expires, string? signature)
    {
        if (expires is null || string.IsNullOrEmpty(signature)
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(uploadId, expires.Value)), Encoding.ASCII.GetBytes(signature)))
        {
            return UploadUrlCheck.Invalid;
        }
        return _time.GetUtcNow().ToUnixTimeSeconds() >= expires ? UploadUrlCheck.Expired : UploadUrlCheck.Valid;
    }

    private string Sign(string uploadId, long expires) =>
        WebEncoders.Base64UrlEncode(HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes($"{uploadId}.{expires}")));
}
