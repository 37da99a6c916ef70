using System.Net;
using System.Net.Sockets;

namespace Streamio.Testing;

public static class LoopbackPort
{
    /// <summary>A TCP port free on 127.0.0.1 right now (the OS picks it), for a server the caller is about to start.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
