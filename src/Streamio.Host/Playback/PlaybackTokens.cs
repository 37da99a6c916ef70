using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Streamio.Host.Playback;

public enum TokenCheck
{
    Valid,
    Malformed,
    BadSignature,
    Expired,
    OtherVideo,
}

/// <summary>
/// Signed, expiring playback tokens: base64url("videoId|expiresUnix|viewer") + "." + base64url(HMAC-SHA256). They ride in
/// the query string of every playlist, segment and key URI, because players send no custom headers.
/// </summary>
public sealed class PlaybackTokens
{
    private readonly byte[] _secret;
    private readonly TimeProvider _time;

    public PlaybackTokens(IOptions<PlaybackOptions> options, IOptions<StreamioOptions> streamio, TimeProvider time)
    {
        _time = time;
        _secret = Encoding.UTF8.GetBytes(ResolveSecret(options.Value.TokenSecret, streamio.Value.DataPath));
    }

    public string Issue(string videoId, DateTimeOffset expiresAt, string? viewer)
    {
        var payload = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes($"{videoId}|{expiresAt.ToUnixTimeSeconds()}|{viewer}"));
        return $"{payload}.{Sign(payload)}";
    }

    public TokenCheck Check(string? token, string videoId)
    {
        var parts = token?.Split('.');
        if (parts is not { Length: 2 })
        {
            return TokenCheck.Malformed;
        }
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(parts[0])), Encoding.ASCII.GetBytes(parts[1])))
        {
            return TokenCheck.BadSignature;
        }
        string[] fields;
        try
        {
            fields = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(parts[0])).Split('|');
        }
        catch (FormatException)
        {
            return TokenCheck.Malformed;
        }
        if (fields.Length != 3 || !long.TryParse(fields[1], out var expires))
        {
            return TokenCheck.Malformed;
        }
        if (fields[0] != videoId)
        {
            return TokenCheck.OtherVideo;
        }
        return _time.GetUtcNow().ToUnixTimeSeconds() >= expires ? TokenCheck.Expired : TokenCheck.Valid;
    }

    private string Sign(string payload) => WebEncoders.Base64UrlEncode(HMACSHA256.HashData(_secret, Encoding.ASCII.GetBytes(payload)));

    private static string ResolveSecret(string configured, string dataPath)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            return configured.Length >= 32
                ? configured
                : throw new InvalidOperationException("Streamio:Playback:TokenSecret must be at least 32 characters long.");
        }
        // Embedded mode: a generated secret kept with the data, so tokens survive restarts.
        var path = Path.Combine(dataPath, "playback-token.secret");
        Directory.CreateDirectory(dataPath);
        try
        {
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            file.Write(Encoding.ASCII.GetBytes(Convert.ToHexString(RandomNumberGenerator.GetBytes(32))));
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another node sharing the folder created it first.
        }
        return File.ReadAllText(path).Trim();
    }
}
