using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Streamio.Ingest.Rtmp;

/// <summary>
/// Takes RTMP publishers (OBS, FFmpeg) on a TCP port: each connection runs on its own, asks the
/// <see cref="IPublishAuthorizer"/> when it publishes, and hands an accepted stream to the <see cref="IPublishHandler"/>
/// as FLV. Stopping the server ends every session (EOF) and cancels the handlers.
/// </summary>
public sealed class RtmpIngestServer(
    IOptions<RtmpIngestOptions> options,
    IPublishAuthorizer authorizer,
    IPublishHandler handler,
    ILogger<RtmpIngestServer> logger) : BackgroundService
{
    private readonly RtmpIngestOptions _options = options.Value;
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private TcpListener? _listener;
    private long _lastConnectionId;
    private int _open;

    /// <summary>Where the server listens once started (the real port when configured with 0); null when disabled or not started.</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    /// <summary>Connections open right now.</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            RtmpLog.Disabled(logger);
            return Task.CompletedTask;
        }

        if (_options.Validate() is { Count: > 0 } errors)
        {
            throw new InvalidOperationException("RTMP ingest settings are invalid: " + string.Join(" ", errors));
        }

        // Bound here rather than in the background loop: a taken port fails start-up, and the port is known on return.
        var address = IPAddress.Parse(_options.BindAddress);
        _listener = new TcpListener(address, _options.Port);
        if (address.Equals(IPAddress.IPv6Any))
        {
            // "::" takes IPv4 publishers too.
            _listener.Server.DualMode = true;
        }

        try
        {
            _listener.Start();
        }
        catch (SocketException e)
        {
            _listener.Dispose();
            throw new InvalidOperationException(
                $"RTMP ingest cannot listen on {_options.BindAddress} port {_options.Port} ({RtmpIngestOptions.SectionName}:BindAddress, Port): {e.Message}", e);
        }

        LocalEndPoint = (IPEndPoint)_listener.LocalEndpoint;
        RtmpLog.Listening(logger, LocalEndPoint);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listener = _listener!;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var socket = await listener.AcceptSocketAsync(stoppingToken).ConfigureAwait(false);
                Accept(socket, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            listener.Stop();
            await Task.WhenAll(_connections.Values).ConfigureAwait(false);
        }
    }

    private void Accept(Socket socket, CancellationToken stoppingToken)
    {
        if (Interlocked.Increment(ref _open) > _options.MaxConnections)
        {
            Interlocked.Decrement(ref _open);
            RtmpLog.TooManyConnections(logger, socket.RemoteEndPoint as IPEndPoint, _options.MaxConnections);
            socket.Close();
            return;
        }

        var id = Interlocked.Increment(ref _lastConnectionId);
        var task = Task.Run(() => RunConnectionAsync(socket, id, stoppingToken), CancellationToken.None);
        _connections[id] = task;
        // Removed by a continuation added after the entry, so a connection that ends at once does not linger in the map.
        task.ContinueWith(_ => _connections.TryRemove(id, out Task? _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task RunConnectionAsync(Socket socket, long id, CancellationToken stoppingToken)
    {
        try
        {
            using var connection = new RtmpConnection(socket, id, _options, authorizer, handler, logger, stoppingToken);
            await connection.RunAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            RtmpLog.ConnectionFailed(logger, e, id);
            socket.Dispose();
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }
}
