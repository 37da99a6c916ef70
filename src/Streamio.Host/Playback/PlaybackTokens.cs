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

    /// <summary>A watermark session's token on another session's (or the plain stream's) route, or the reverse.</summary>
    OtherSession,
}

/// <summary>
/// Signed, expiring playback tokens: base64url("videoId|expiresUnix|viewer") + "." + base64url(HMAC-SHA256). They ride in
/// the query string of every playlist, segment and key URI, because players send no custom headers. A watermark
/// session's token has a fourth field, the session: it opens that session's routes only, never the plain stream.
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

    public string Issue(string videoId, DateTimeOffset expiresAt, string? viewer) => Signed($"{videoId}|{expiresAt.ToUnixTimeSeconds()}|{viewer}");

    /// <summary>
    /// A token for a live stream's routes. Its subject is <see cref="LiveSubject"/>, never a bare id, so it opens no
    /// video's routes and no video token opens a live stream's.
    /// </summary>
    public string IssueForLive(string liveStreamId, DateTimeOffset expiresAt, string? viewer) => Issue(LiveSubject(liveStreamId), expiresAt, viewer);

    /// <summary>What a live stream's token names, and what its routes check the token against.</summary>
    public static string LiveSubject(string liveStreamId) => $"live:{liveStreamId}";

    /// <summary>A token for one watermark session's routes.</summary>
    public string IssueForSession(string videoId, string sessionId, DateTimeOffset expiresAt, string? viewer) =>
        Signed($"{videoId}|{expiresAt.ToUnixTimeSeconds()}|{viewer}|{sessionId}");

    /// <summary>Checks a token for a route of <paramref name="videoId"/>: the plain stream's, or session <paramref name="sessionId"/>'s.</summary>
    public TokenCheck Check(string? token, string videoId, string? sessionId = null)
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
        if (fields.Length is not (3 or 4) || !long.TryParse(fields[1], out var expires))
        {
            return TokenCheck.Malformed;
        }
        if (fields[0] != videoId)
        {
            return TokenCheck.OtherVideo;
        }
        if ((fields.Length == 4 ? fields[3] : null) != sessionId)
        {
            return TokenCheck.OtherSession;
        }
        return _time.GetUtcNow().ToUnixTimeSeconds() >= expires ? TokenCheck.Expired : TokenCheck.Valid;
    }

    /// <summary>The viewer a token names (null or empty: none). Only for a token <see cref="Check"/> found valid.</summary>
    public static string? ViewerOf(string? token)
    {
        try
        {
            var fields = token?.Split('.') is [var payload, _] ? Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(payload)).Split('|') : [];
            return fields is [_, _, { Length: > 0 } viewer, ..] ? viewer : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private string Signed(string fields)
    {
        var payload = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(fields));
        return $"{payload}.{Sign(payload)}";
    }

    private string Sign(string payload) => WebEncoders.Base64UrlEncode(HMACSHA256.HashData(_secret, Encoding.ASCII.GetBytes(payload)));
}
