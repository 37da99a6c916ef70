using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Streamio.Host.Configuration;

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
        _secret = Encoding.UTF8.GetBytes(SecretFiles.Resolve(options.Value.TokenSecret, "Streamio:Playback:TokenSecret", streamio.Value.DataPath, "playback-token.secret"));
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

    /// <summary>The viewer a token names (null or empty: none). Only for a token <see cref="Check"/> found valid.</summary>
    public static string? ViewerOf(string? token)
    {
        try
        {
            var fields = token?.Split('.') is [var payload, _] ? Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(payload)).Split('|') : [];
            return fields is [_, _, { Length: > 0 } viewer] ? viewer : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private string Sign(string payload) => WebEncoders.Base64UrlEncode(HMACSHA256.HashData(_secret, Encoding.ASCII.GetBytes(payload)));
}
