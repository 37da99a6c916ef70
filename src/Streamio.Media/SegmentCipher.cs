using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Streamio.Media;

/// <summary>HLS AES-128 segment encryption: AES-128-CBC, PKCS7, IV = the media sequence number (big-endian, 16 bytes).</summary>
public static class SegmentCipher
{
    public const int KeySize = 16;

    /// <summary>The IV HLS implies for a segment: its media sequence number as a 128-bit big-endian integer.</summary>
    public static byte[] IvFor(long mediaSequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(mediaSequence);
        var iv = new byte[16];
        BinaryPrimitives.WriteInt64BigEndian(iv.AsSpan(8), mediaSequence);
        return iv;
    }

    /// <summary>The IV as written in <c>EXT-X-KEY</c>: "0x" and 32 hex digits.</summary>
    public static string IvHex(long mediaSequence) => "0x" + Convert.ToHexString(IvFor(mediaSequence));

    /// <summary>A fresh random 128-bit rendition key.</summary>
    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(KeySize);

    public static byte[] Encrypt(ReadOnlySpan<byte> plaintext, byte[] key, long mediaSequence)
    {
        using var aes = CreateAes(key);
        return aes.EncryptCbc(plaintext, IvFor(mediaSequence), PaddingMode.PKCS7);
    }

    public static byte[] Decrypt(ReadOnlySpan<byte> ciphertext, byte[] key, long mediaSequence)
    {
        using var aes = CreateAes(key);
        return aes.DecryptCbc(ciphertext, IvFor(mediaSequence), PaddingMode.PKCS7);
    }

    private static Aes CreateAes(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"An HLS AES-128 key is {KeySize} bytes, not {key.Length}.", nameof(key));
        }

        var aes = Aes.Create();
        aes.Key = key;
        return aes;
    }
}
