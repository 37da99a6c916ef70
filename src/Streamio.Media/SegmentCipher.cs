namespace Streamio.Media;

/// <summary>HLS AES-128 segment encryption: AES-128-CBC, PKCS7, IV = the media sequence number (big-endian, 16 bytes).</summary>
public static partial class SegmentCipher
{
}
