using System.Security.Cryptography;

namespace Streamio.Media.Cmaf;

/// <summary>
/// A rendition's CENC content key and its key id (KID), 16 bytes each. Separate from the HLS AES-128 key: one key in
/// two cipher modes over the same content would weaken both.
/// </summary>
public sealed record CencKey(byte[] KeyId, byte[] Key)
{
    public const int Size = 16;

    public static CencKey New() => new(RandomNumberGenerator.GetBytes(Size), RandomNumberGenerator.GetBytes(Size));

    public string KeyIdHex => Convert.ToHexStringLower(KeyId);

    public string KeyHex => Convert.ToHexStringLower(Key);

    /// <summary>The KID as DASH's <c>cenc:default_KID</c> writes it: a UUID, 8-4-4-4-12 hex digits.</summary>
    public string KeyIdUuid => Uuid(KeyId);

    public static string Uuid(byte[] keyId)
    {
        var hex = Convert.ToHexStringLower(keyId);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }
}

/// <summary>Unpadded base64url (RFC 4648 §5), as W3C ClearKey writes KIDs and keys.</summary>
public static class Base64Url
{
    public static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The bytes, or null when <paramref name="text"/> is not base64url.</summary>
    public static byte[]? TryDecode(string text)
    {
        if (text.Length == 0 || text.Length % 4 == 1 || text.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            return null;
        }

        var padded = text.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (text.Length % 4)) % 4);
        try
        {
            return Convert.FromBase64String(padded);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
