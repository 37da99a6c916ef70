using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Streamio.Grains.Projects;

/// <summary>
/// API key format: <c>sk_{prefix}_{secret}</c>: a 12-hex-digit public prefix (the lookup handle, safe to log) and 256 random
/// bits. Only SHA-256 of the whole key is stored: the key has full entropy, so a slow password hash adds nothing.
/// </summary>
public static class ApiKeys
{
    private const string Scheme = "sk_";
    private const int PrefixLength = 12;

    public static (string Key, string Prefix, string Hash) Generate()
    {
        var prefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(PrefixLength / 2));
        var key = $"{Scheme}{prefix}_{Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32))}";
        return (key, prefix, Hash(key));
    }

    /// <summary>The prefix of a well-formed key, or null when the text cannot be a Streamio key.</summary>
    public static string? PrefixOf(string key) =>
        key.Length > Scheme.Length + PrefixLength + 1 && key.StartsWith(Scheme, StringComparison.Ordinal) && key[Scheme.Length + PrefixLength] == '_'
            && key.AsSpan(Scheme.Length, PrefixLength).ContainsAnyExcept("0123456789abcdef") is false
            ? key.Substring(Scheme.Length, PrefixLength)
            : null;

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static bool Matches(string key, string storedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(key)), Encoding.ASCII.GetBytes(storedHash));
}
