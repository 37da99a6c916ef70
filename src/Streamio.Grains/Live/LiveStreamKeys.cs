using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Streamio.Grains.Live;

/// <summary>
/// Stream keys: <c>live_</c> and 256 random bits in base64url (48 characters): safe in a URL and within SRT's 10–79
/// character passphrase. Only the stream knows the key; the lookup is by its SHA-256 (the key has full entropy).
/// </summary>
public static class LiveStreamKeys
{
    private const string Scheme = "live_";

    public static string Generate() => Scheme + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Whether the text can be a stream key at all (checked before any lookup).</summary>
    public static bool IsWellFormed(string key) =>
        key.Length == Scheme.Length + 43 && key.StartsWith(Scheme, StringComparison.Ordinal)
        && key.AsSpan(Scheme.Length).ContainsAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") is false;

    public static bool Matches(string presented, string stored) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(stored));
}
