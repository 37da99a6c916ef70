using System.Net;
using Streamio.Ingest.Srt;

namespace Streamio.Ingest.Tests.Srt;

public sealed class SrtSocketAddressTests
{
    [Fact]
    public void An_IPv4_endpoint_is_a_16_byte_sockaddr_in_with_the_port_in_network_order()
    {
        var bytes = SrtSocketAddress.ToBytes(new IPEndPoint(IPAddress.Parse("10.1.2.3"), 9000));

        Assert.Equal(new byte[] { 2, 0, 0x23, 0x28, 10, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0 }, bytes);
    }

    [Theory]
    [InlineData("127.0.0.1", 9000)]
    [InlineData("0.0.0.0", 0)]
    [InlineData("::1", 65535)]
    [InlineData("fe80::1%3", 1234)]
    public void Endpoints_survive_the_round_trip(string address, int port)
    {
        var endPoint = new IPEndPoint(IPAddress.Parse(address), port);

        Assert.Equal(endPoint, SrtSocketAddress.FromBytes(SrtSocketAddress.ToBytes(endPoint)));
    }

    [Fact]
    public void An_IPv4_peer_of_a_dual_stack_listener_reads_as_IPv4()
    {
        var mapped = SrtSocketAddress.ToBytes(new IPEndPoint(IPAddress.Parse("::ffff:192.0.2.7"), 5000));

        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.7"), 5000), SrtSocketAddress.FromBytes(mapped));
    }

    [Fact]
    public void An_unknown_family_or_a_short_buffer_is_no_endpoint()
    {
        Assert.Null(SrtSocketAddress.FromBytes(new byte[16] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }));
        Assert.Null(SrtSocketAddress.FromBytes(new byte[8]));
    }
}
