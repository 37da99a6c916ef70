using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Streamio.Ingest.Srt;

/// <summary>
/// The silo's SRT ingest: one UDP port for every stream, libsrt in live mode. The stream key travels in the SRT stream
/// id and is checked in the handshake (libsrt's listen callback asks the <see cref="IPublishAuthorizer"/>), so a
/// refused publisher's handshake fails and not one media byte is accepted. Each accepted publisher gets its own receive
/// thread and is handed to the <see cref="IPublishHandler"/> as an MPEG-TS <see cref="IngestSession"/>.
/// If libsrt is missing the server logs what to install and stays off; the rest of the process runs on.
/// </summary>
public sealed partial class SrtIngestServer(
    IOptions<SrtIngestOptions> options,
    IPublishAuthorizer authorizer,
    IPublishHandler handler,
    ILogger<SrtIngestServer> logger) : IHostedService, IDisposable
{
    // A callback-accepted socket whose handshake never completed (libsrt refused the passphrase) is forgotten after this.
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromSeconds(10);

    private readonly SrtIngestOptions _options = options.Value;
    private readonly ConcurrentDictionary<int, AdmittedPublisher> _admitted = new();
    private readonly ConcurrentDictionary<int, SrtConnection> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private GCHandle _self;
    private Thread? _acceptThread;
    private int _listener = SrtNative.Error;
    private bool _libraryStarted;
    private volatile bool _stopRequested;

    /// <summary>The UDP port the server listens on; null when it is off (disabled, libsrt missing, bind failed).</summary>
    public int? BoundPort { get; private set; }

    /// <summary>Publishers connected right now.</summary>
    public int ConnectionCount => _connections.Count;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            LogDisabled(logger);
            return Task.CompletedTask;
        }

        if (!SrtLibrary.TryLoad(_options.Library, out var loadError))
        {
            LogUnavailable(logger, loadError);
            return Task.CompletedTask;
        }

        if (SrtNative.Startup() == SrtNative.Error)
        {
            LogUnavailable(logger, $"srt_startup failed: {SrtNative.LastError()}");
            return Task.CompletedTask;
        }

        _libraryStarted = true;
        // libsrt writes its errors straight to stderr (e.g. "srt_accept: listener socket is already closed" at every
        // shutdown); this server reports what matters through its logger, from srt_getlasterror.
        SrtNative.SetLogLevel(SrtNative.LogCritical);
        if (!TryListen(out var listenError))
        {
            LogListenFailed(logger, _options.BindAddress, _options.Port, listenError);
            CloseListener();
            return Task.CompletedTask;
        }

        _acceptThread = new Thread(AcceptLoop) { IsBackground = true, Name = "srt-accept" };
        _acceptThread.Start();
        LogListening(logger, _options.BindAddress, BoundPort!.Value, Version(SrtNative.GetVersion()), _options.RequirePassphrase);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_libraryStarted)
        {
            return;
        }

        _stopRequested = true;
        await _stopping.CancelAsync().ConfigureAwait(false);

        // After srt_close on the listener returns, libsrt runs no more listen callbacks for it (it removes the listener
        // under the lock the callback runs in), so the handle the callback reads can be freed below.
        CloseListener();
        _acceptThread?.Join(TimeSpan.FromSeconds(5));
        foreach (var socket in _admitted.Keys)
        {
            SrtNative.Close(socket);
        }

        _admitted.Clear();
        var connections = _connections.Values.ToList();
        foreach (var connection in connections)
        {
            connection.Close();
        }

        try
        {
            await Task.WhenAll(connections.Select(c => c.Lifetime)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            LogHandlersOutlivedStop(logger, _connections.Count);
            foreach (var connection in connections)
            {
                connection.CompleteReader();
            }
        }

        if (_self.IsAllocated)
        {
            _self.Free();
        }

        SrtNative.Cleanup();
        _libraryStarted = false;
        BoundPort = null;
        LogStopped(logger);
    }

    public void Dispose() => _stopping.Dispose();

    private unsafe bool TryListen(out string error)
    {
        var endPoint = new IPEndPoint(IPAddress.Parse(_options.BindAddress), _options.Port);
        _listener = SrtNative.CreateSocket();
        if (_listener == SrtNative.Error)
        {
            error = $"srt_create_socket: {SrtNative.LastError()}";
            return false;
        }

        // Accepted sockets inherit these from the listener.
        if (!SrtNative.SetInt(_listener, SrtOption.TransmissionType, 0) // SRTT_LIVE
            || !SrtNative.SetBool(_listener, SrtOption.ReceiveSynchronous, true)
            || !SrtNative.SetInt(_listener, SrtOption.Latency, _options.LatencyMs)
            || !SrtNative.SetInt(_listener, SrtOption.PeerIdleTimeout, (int)Math.Round(_options.PeerIdleTimeoutSeconds * 1000))
            || !SrtNative.SetBool(_listener, SrtOption.EnforcedEncryption, true)
            || (endPoint.Address.Equals(IPAddress.IPv6Any) && !SrtNative.SetBool(_listener, SrtOption.Ipv6Only, false)))
        {
            error = $"srt_setsockflag: {SrtNative.LastError()}";
            return false;
        }

        var address = SrtSocketAddress.ToBytes(endPoint);
        fixed (byte* pointer = address)
        {
            if (SrtNative.Bind(_listener, pointer, address.Length) == SrtNative.Error)
            {
                error = $"srt_bind: {SrtNative.LastError()}";
                return false;
            }
        }

        Span<byte> bound = stackalloc byte[SrtSocketAddress.MaxLength];
        var boundLength = bound.Length;
        fixed (byte* pointer = bound)
        {
            if (SrtNative.GetSockName(_listener, pointer, &boundLength) == SrtNative.Error)
            {
                error = $"srt_getsockname: {SrtNative.LastError()}";
                return false;
            }
        }

        _self = GCHandle.Alloc(this);
        if (SrtNative.ListenCallback(_listener, &OnHandshake, GCHandle.ToIntPtr(_self)) == SrtNative.Error
            || SrtNative.Listen(_listener, Math.Min(_options.MaxConnections, 128)) == SrtNative.Error)
        {
            error = $"srt_listen: {SrtNative.LastError()}";
            return false;
        }

        BoundPort = SrtSocketAddress.FromBytes(bound[..boundLength])?.Port;
        error = "";
        return true;
    }

    private void CloseListener()
    {
        if (_listener != SrtNative.Error)
        {
            SrtNative.Close(_listener);
            _listener = SrtNative.Error;
        }
    }

    /// <summary>libsrt's listen callback: 0 lets the handshake go on, -1 refuses it. It must never throw into libsrt.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int OnHandshake(nint opaque, int socket, int handshakeVersion, nint peer, nint streamId)
    {
        try
        {
            return GCHandle.FromIntPtr(opaque).Target is SrtIngestServer server && server.Admit(socket, peer, streamId) ? 0 : -1;
        }
        catch (Exception)
        {
            return -1;
        }
    }

    private bool Admit(int socket, nint peer, nint streamIdPointer)
    {
        var remote = SrtSocketAddress.FromPointer(peer) ?? new IPEndPoint(IPAddress.None, 0);
        var streamId = Marshal.PtrToStringUTF8(streamIdPointer);
        var parsed = SrtStreamId.Parse(streamId);
        if (parsed.StreamKey is not { } key)
        {
            return Refuse(socket, remote, streamId ?? "", parsed.Refusal!, parsed.RejectCode);
        }

        if (_stopRequested)
        {
            return Refuse(socket, remote, key, "the server is stopping", SrtRejection.Down);
        }

        ForgetAbandoned();
        if (_connections.Count + _admitted.Count >= _options.MaxConnections)
        {
            return Refuse(socket, remote, key, $"{_options.MaxConnections} publishers are connected already (MaxConnections)", SrtRejection.Overload);
        }

        var passphrase = Encoding.UTF8.GetBytes(key);
        if (_options.RequirePassphrase && passphrase.Length is < 10 or > 79)
        {
            return Refuse(socket, remote, key, $"RequirePassphrase is on and the key is {passphrase.Length} bytes; an SRT passphrase is 10-79", SrtRejection.Forbidden);
        }

        var request = new PublishRequest(IngestProtocol.Srt, key, remote);
        var decision = Authorize(request, out var failure);
        if (decision is null)
        {
            return Refuse(socket, remote, key, failure, SrtRejection.InternalError);
        }

        if (!decision.Accepted || decision.LiveStreamId is null)
        {
            return Refuse(socket, remote, key, decision.Reason ?? "refused by the authorizer", SrtRejection.Forbidden);
        }

        // libsrt checks the publisher's key material against this after the callback: a publisher without the
        // passphrase, or with another, is refused by libsrt itself (enforced encryption).
        if (_options.RequirePassphrase && !SrtNative.SetBytes(socket, SrtOption.Passphrase, passphrase))
        {
            return Refuse(socket, remote, key, $"setting the passphrase failed: {SrtNative.LastError()}", SrtRejection.InternalError);
        }

        _admitted[socket] = new AdmittedPublisher(request, decision.LiveStreamId, Environment.TickCount64);
        LogAdmitted(logger, KeyHint(key), remote, decision.LiveStreamId);
        return true;
    }

    private PublishDecision? Authorize(PublishRequest request, out string failure)
    {
        // libsrt runs this callback on the port's receive thread, the one that also takes in every connected
        // publisher's packets: while it waits, all SRT streams of this silo stall (their packets queue in the UDP
        // buffer). The authorizer is a grain call that answers in milliseconds when the cluster is well; the timeout
        // bounds the stall when it is not. A publisher gives up on its own after its connect timeout (FFmpeg: 3 s)
        // anyway, so a longer wait would gain nothing.
        var timeout = TimeSpan.FromSeconds(_options.AuthorizeTimeoutSeconds);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        cancel.CancelAfter(timeout);
        try
        {
            failure = "";
            return authorizer.AuthorizeAsync(request, cancel.Token).AsTask().WaitAsync(timeout).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            failure = _stopRequested ? "the server is stopping" : $"the authorizer did not answer within {timeout.TotalSeconds:0.#} s";
        }
        catch (Exception e)
        {
            failure = $"the authorizer failed: {e.Message}";
        }

        return null;
    }

    private bool Refuse(int socket, IPEndPoint remote, string key, string reason, int rejectCode)
    {
        SrtNative.SetRejectReason(socket, rejectCode);
        LogRefused(logger, KeyHint(key), remote, reason);
        return false;
    }

    private void ForgetAbandoned()
    {
        var now = Environment.TickCount64;
        foreach (var (socket, publisher) in _admitted)
        {
            if (now - publisher.AdmittedAtTicks > AbandonedAfter.TotalMilliseconds && _admitted.TryRemove(socket, out _))
            {
                LogAbandoned(logger, KeyHint(publisher.Request.StreamKey), publisher.Request.Remote);
            }
        }
    }

    private unsafe void AcceptLoop()
    {
        while (!_stopRequested)
        {
            var socket = SrtNative.Accept(_listener, null, null);
            if (socket == SrtNative.Error)
            {
                var code = SrtNative.LastErrorCode();
                if (_stopRequested || code is SrtErrors.SocketClosed or SrtErrors.InvalidSocket or SrtErrors.NotListening)
                {
                    return;
                }

                LogAcceptFailed(logger, SrtNative.LastError());
                Thread.Sleep(100);
                continue;
            }

            if (!_admitted.TryRemove(socket, out var publisher) || _stopRequested)
            {
                SrtNative.Close(socket);
                continue;
            }

            Serve(socket, publisher);
        }
    }

    private void Serve(int socket, AdmittedPublisher publisher)
    {
        var request = publisher.Request;
        var connection = new SrtConnection(socket, KeyHint(request.StreamKey));
        _connections[socket] = connection;
        connection.StartReceiving();
        var session = new IngestSession(
            IngestProtocol.Srt, publisher.LiveStreamId, request.StreamKey, request.Remote, "mpegts", connection.Media, DateTimeOffset.UtcNow);
        LogConnected(logger, connection.KeyHint, request.Remote, publisher.LiveStreamId);
        connection.Lifetime = Task.Run(() => RunHandlerAsync(connection, session));
    }

    private async Task RunHandlerAsync(SrtConnection connection, IngestSession session)
    {
        string outcome;
        try
        {
            await handler.RunAsync(session, _stopping.Token).ConfigureAwait(false);
            outcome = "the handler returned";
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            outcome = "the server stopped";
        }
        catch (Exception e)
        {
            LogHandlerFailed(logger, e, connection.KeyHint, session.Remote);
            outcome = "the handler failed";
        }

        connection.Close();
        connection.CompleteReader();
        await connection.Received.ConfigureAwait(false);
        _connections.TryRemove(connection.Socket, out _);
        LogClosed(logger, connection.KeyHint, session.Remote, outcome, connection.EndReason, connection.BytesReceived);
    }

    private static string KeyHint(string key) => key.Length > 8 ? $"{key[..4]}…" : "…";

    private static string Version(uint version) => $"{version >> 16}.{(version >> 8) & 0xff}.{version & 0xff}";

    private sealed record AdmittedPublisher(PublishRequest Request, string LiveStreamId, long AdmittedAtTicks);

    [LoggerMessage(LogLevel.Information, "SRT ingest is disabled (Streamio:Live:Srt:Enabled)")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(LogLevel.Error, "SRT ingest is off on this silo: {Reason}. RTMP ingest and the rest of the silo keep running")]
    private static partial void LogUnavailable(ILogger logger, string reason);

    [LoggerMessage(LogLevel.Error, "SRT ingest is off on this silo: it cannot listen on {Address}:{Port}/udp: {Reason}")]
    private static partial void LogListenFailed(ILogger logger, string address, int port, string reason);

    [LoggerMessage(LogLevel.Information, "SRT ingest listening on {Address}:{Port}/udp (libsrt {Version}, passphrase required: {RequirePassphrase})")]
    private static partial void LogListening(ILogger logger, string address, int port, string version, bool requirePassphrase);

    [LoggerMessage(LogLevel.Warning, "SRT publisher {KeyHint} from {Remote} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string keyHint, IPEndPoint remote, string reason);

    [LoggerMessage(LogLevel.Debug, "SRT publisher {KeyHint} from {Remote} admitted for {LiveStreamId}; completing the handshake")]
    private static partial void LogAdmitted(ILogger logger, string keyHint, IPEndPoint remote, string liveStreamId);

    [LoggerMessage(LogLevel.Warning, "SRT publisher {KeyHint} from {Remote} was admitted but never completed the handshake (a missing or wrong passphrase?)")]
    private static partial void LogAbandoned(ILogger logger, string keyHint, IPEndPoint remote);

    [LoggerMessage(LogLevel.Information, "SRT publisher {KeyHint} from {Remote} connected to {LiveStreamId}")]
    private static partial void LogConnected(ILogger logger, string keyHint, IPEndPoint remote, string liveStreamId);

    [LoggerMessage(LogLevel.Information, "SRT publisher {KeyHint} from {Remote} closed: {Outcome}; {EndReason} ({Bytes} bytes received)")]
    private static partial void LogClosed(ILogger logger, string keyHint, IPEndPoint remote, string outcome, string endReason, long bytes);

    [LoggerMessage(LogLevel.Error, "The publish handler failed for SRT publisher {KeyHint} from {Remote}")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string keyHint, IPEndPoint remote);

    [LoggerMessage(LogLevel.Warning, "srt_accept failed: {Reason}")]
    private static partial void LogAcceptFailed(ILogger logger, string reason);

    [LoggerMessage(LogLevel.Warning, "{Count} SRT publish handlers were still running when the stop deadline passed; their media was ended")]
    private static partial void LogHandlersOutlivedStop(ILogger logger, int count);

    [LoggerMessage(LogLevel.Information, "SRT ingest stopped")]
    private static partial void LogStopped(ILogger logger);
}
