using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Streamio.Ingest.Rtmp;

/// <summary>
/// The simple RTMP handshake (RTMP specification, section 5.2): C0 (version 3) and C1 in, S0, S1 and S2 out, C2 in.
/// S1's second 4-byte field stays zero, which tells clients that support the digest handshake (FFmpeg, OBS) to skip
/// verifying one.
/// </summary>
internal static class RtmpHandshake
{
    public const byte Version = 3;
    public const int PacketSize = 1536;

    /// <summary>Fails on a first byte that is not RTMP version 3 (0x06 would be encrypted RTMPE; anything else is not RTMP at all).</summary>
    public static void ValidateVersion(byte c0)
    {
        if (c0 != Version)
        {
            throw new RtmpProtocolException(c0 == 6
                ? "The client asked for encrypted RTMPE (version 6), which is not supported."
                : $"The first byte 0x{c0:x2} is not RTMP version 3: not an RTMP client.");
        }
    }

    /// <summary>S0, S1 and S2 (1 + 1536 + 1536 bytes) answering <paramref name="c1"/>: S2 echoes C1's time and random bytes.</summary>
    public static byte[] CreateResponse(ReadOnlySpan<byte> c1, uint serverTime)
    {
        if (c1.Length != PacketSize)
        {
            throw new ArgumentException($"C1 is {PacketSize} bytes, not {c1.Length}.", nameof(c1));
        }

        var response = new byte[1 + (2 * PacketSize)];
        response[0] = Version;

        var s1 = response.AsSpan(1, PacketSize);
        BinaryPrimitives.WriteUInt32BigEndian(s1, serverTime);
        RandomNumberGenerator.Fill(s1[8..]);

        var s2 = response.AsSpan(1 + PacketSize, PacketSize);
        c1.CopyTo(s2);
        BinaryPrimitives.WriteUInt32BigEndian(s2[4..], serverTime);
        return response;
    }
}
