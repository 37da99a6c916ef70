using System.Net;
using System.Net.Sockets;

namespace Streamio.Cli.Tests;

/// <summary>
/// A loopback TCP forwarder to a node that cuts the one connection carrying the client's bytes past
/// <paramref name="dropAfterBytes"/> (counted over every connection), as a flaky network would; every other byte passes.
/// </summary>
public sealed class DroppingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _target;
    private readonly long _dropAfterBytes;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private long _upstreamBytes;
    private int _dropped;

    public DroppingProxy(Uri target, long dropAfterBytes)
    {
        _target = target;
        _dropAfterBytes = dropAfterBytes;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri BaseAddress => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public bool Dropped => Volatile.Read(ref _dropped) == 1;

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = ForwardAsync(client);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync(_target.Host, _target.Port, _stop.Token);
                using var connection = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                var up = PumpAsync(client.GetStream(), server.GetStream(), counted: true, connection);
                var down = PumpAsync(server.GetStream(), client.GetStream(), counted: false, connection);
                await Task.WhenAny(up, down);
                await connection.CancelAsync();
            }
            catch (Exception error) when (error is IOException or SocketException or OperationCanceledException)
            {
            }
            // A reset, not a polite close: the client sees the connection fail mid-request.
            client.Client.LingerState = new LingerOption(true, 0);
        }
    }

    private async Task PumpAsync(Stream from, Stream to, bool counted, CancellationTokenSource connection)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (await from.ReadAsync(buffer, connection.Token) is var read and > 0)
            {
                if (counted && Interlocked.Add(ref _upstreamBytes, read) > _dropAfterBytes && Interlocked.CompareExchange(ref _dropped, 1, 0) == 0)
                {
                    return;
                }
                await to.WriteAsync(buffer.AsMemory(0, read), connection.Token);
            }
        }
        catch (Exception error) when (error is IOException or OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
