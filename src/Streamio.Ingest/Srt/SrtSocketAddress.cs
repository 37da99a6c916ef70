using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Streamio.Ingest.Srt;

/// <summary>
/// Linux <c>sockaddr_in</c> / <c>sockaddr_in6</c> as libsrt takes and gives them: the family in host order at 0, the
/// port in network order at 2, the IPv4 address at 4, or the IPv6 flow info at 4, address at 8 and scope id at 24.
/// </summary>
internal static class SrtSocketAddress
{
    public const int IPv4Length = 16;
    public const int IPv6Length = 28;

    /// <summary>Room for either form.</summary>
    public const int MaxLength = IPv6Length;

    private const ushort FamilyIPv4 = 2; // AF_INET
    private const ushort FamilyIPv6 = 10; // AF_INET6 on Linux

    public static byte[] ToBytes(IPEndPoint endPoint)
    {
        var ipv6 = endPoint.AddressFamily == AddressFamily.InterNetworkV6;
        var bytes = new byte[ipv6 ? IPv6Length : IPv4Length];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, ipv6 ? FamilyIPv6 : FamilyIPv4);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), (ushort)endPoint.Port);
        if (ipv6)
        {
            endPoint.Address.TryWriteBytes(bytes.AsSpan(8, 16), out _);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(24), (uint)endPoint.Address.ScopeId);
        }
        else
        {
            endPoint.Address.TryWriteBytes(bytes.AsSpan(4, 4), out _);
        }

        return bytes;
    }

    /// <summary>
    /// The endpoint in <paramref name="bytes"/>, or null for a family other than IPv4/IPv6 or a short buffer. An IPv4
    /// peer of a dual-stack listener (<c>::ffff:a.b.c.d</c>) comes back as the IPv4 address it is.
    /// </summary>
    public static IPEndPoint? FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < IPv4Length)
        {
            return null;
        }

        var family = BinaryPrimitives.ReadUInt16LittleEndian(bytes);
        var port = BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]);
        return family switch
        {
            FamilyIPv4 => new IPEndPoint(new IPAddress(bytes.Slice(4, 4)), port),
            FamilyIPv6 when bytes.Length >= IPv6Length => new IPEndPoint(Unmapped(new IPAddress(bytes.Slice(8, 16), BinaryPrimitives.ReadUInt32LittleEndian(bytes[24..]))), port),
            _ => null,
        };
    }

    private static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>Reads a <c>const sockaddr*</c> handed over by libsrt (its family says how long it is).</summary>
    public static unsafe IPEndPoint? FromPointer(nint sockaddr)
    {
        if (sockaddr == 0)
        {
            return null;
        }

        var family = *(ushort*)sockaddr;
        var length = family == FamilyIPv6 ? IPv6Length : IPv4Length;
        return FromBytes(new ReadOnlySpan<byte>((void*)sockaddr, length));
    }
}
