using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Streamio.Ingest.Rtmp;

/// <summary>
/// One publisher's TCP connection: the handshake, then commands (connect, createStream, publish, …) until a publish is
/// authorized, then its audio, video and metadata as FLV to an <see cref="IPublishHandler"/>. Anything malformed closes
/// this connection only.
/// </summary>
internal sealed class RtmpConnection : IDisposable
{
    // Commands before an accepted publish are small; a larger message then is an attack, not a command.
    private const int CommandMessageLimit = 64 * 1024;
    private const uint AcknowledgementWindow = 2_500_000;
    private const int OutgoingChunkSize = 4096;
    private const uint CommandChunkStream = 3;
    private const int MaxStreamKeyLength = 512;

    private readonly NetworkStream _network;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly RtmpIngestOptions _options;
    private readonly IPublishAuthorizer _authorizer;
    private readonly IPublishHandler _handler;
    private readonly ILogger _logger;
    private readonly long _id;
    private readonly IPEndPoint _remote;
    private readonly CancellationToken _stopping;
    private readonly DateTimeOffset _connectedAt = DateTimeOffset.UtcNow;
    private readonly CancellationTokenSource _connection;
    private readonly CancellationTokenSource _timeout;
    private readonly RtmpChunkReader _chunkReader = new(CommandMessageLimit);
    private readonly RtmpChunkWriter _chunkWriter = new();

    private bool _connected;
    private uint _lastStreamId;
    private uint _peerWindow = AcknowledgementWindow;
    private long _received;
    private long _lastAcknowledged;
    private RtmpPublishSession? _session;
    private string? _closeReason;
    private volatile bool _handlerEnded;
    private volatile bool _handlerFailed;
    private bool _lingerForReply;

    public RtmpConnection(Socket socket, long id, RtmpIngestOptions options, IPublishAuthorizer authorizer, IPublishHandler handler, ILogger logger, CancellationToken stopping)
    {
        socket.NoDelay = true;
        _remote = (IPEndPoint)socket.RemoteEndPoint!;
        _network = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(_network, new StreamPipeReaderOptions(leaveOpen: true));
        _output = PipeWriter.Create(_network, new StreamPipeWriterOptions(leaveOpen: true));
        _id = id;
        _options = options;
        _authorizer = authorizer;
        _handler = handler;
        _logger = logger;
        _stopping = stopping;
        _connection = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _timeout = CancellationTokenSource.CreateLinkedTokenSource(_connection.Token);
    }

    private TimeSpan HandshakeTimeout => TimeSpan.FromSeconds(_options.HandshakeTimeoutSeconds);

    public async Task RunAsync()
    {
        RtmpLog.Connected(_logger, _id, _remote);
        // Slowloris guard: handshake, connect and an accepted publish all have to fit in this time.
        _timeout.CancelAfter(HandshakeTimeout);
        string reason;
        try
        {
            if (await HandshakeAsync().ConfigureAwait(false))
            {
                await ReadMessagesAsync().ConfigureAwait(false);
            }

            reason = _closeReason ?? "closed";
        }
        catch (RtmpProtocolException e)
        {
            reason = "malformed input";
            RtmpLog.Malformed(_logger, _id, _remote, e.Message);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            reason = "the server is stopping";
        }
        catch (OperationCanceledException) when (_handlerEnded)
        {
            reason = _handlerFailed ? "the publish handler failed" : "the publish handler returned";
        }
        catch (OperationCanceledException) when (_timeout.IsCancellationRequested)
        {
            reason = _session is null
                ? $"no accepted publish within {_options.HandshakeTimeoutSeconds} s (Streamio:Live:Rtmp:HandshakeTimeoutSeconds)"
                : $"nothing received for {_options.IdleTimeoutSeconds} s (Streamio:Live:Rtmp:IdleTimeoutSeconds)";
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            reason = $"connection lost ({e.Message})";
        }
        catch (Exception e)
        {
            reason = "an internal error";
            RtmpLog.ConnectionFailed(_logger, e, _id);
        }

        await CloseAsync(reason).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _timeout.Dispose();
        _connection.Dispose();
        _network.Dispose();
    }

    /// <summary>C0 and C1 in, S0, S1 and S2 out, C2 in; false when the client went away half-way.</summary>
    private async Task<bool> HandshakeAsync()
    {
        // The first byte alone tells an RTMP client from anything else: no need to wait for 1536 more.
        var first = await _input.ReadAtLeastAsync(1, _timeout.Token).ConfigureAwait(false);
        if (first.Buffer.IsEmpty)
        {
            _input.AdvanceTo(first.Buffer.End);
            _closeReason = "closed before the handshake";
            return false;
        }

        RtmpHandshake.ValidateVersion(first.Buffer.FirstSpan[0]);
        _input.AdvanceTo(first.Buffer.Start);

        var c0c1 = await ReadExactlyAsync(1 + RtmpHandshake.PacketSize).ConfigureAwait(false);
        if (c0c1 is null)
        {
            return false;
        }

        await _output.WriteAsync(RtmpHandshake.CreateResponse(c0c1.AsSpan(1), (uint)Environment.TickCount), _timeout.Token).ConfigureAwait(false);
        // C2 should echo S1; clients differ in how faithfully (digest handshakes), and nothing depends on it.
        return await ReadExactlyAsync(RtmpHandshake.PacketSize).ConfigureAwait(false) is not null;
    }

    private async Task<byte[]?> ReadExactlyAsync(int count)
    {
        var result = await _input.ReadAtLeastAsync(count, _timeout.Token).ConfigureAwait(false);
        if (result.Buffer.Length < count)
        {
            _closeReason = "closed during the handshake";
            _input.AdvanceTo(result.Buffer.End);
            return null;
        }

        var bytes = result.Buffer.Slice(0, count).ToArray();
        _input.AdvanceTo(result.Buffer.GetPosition(count));
        return bytes;
    }

    private async Task ReadMessagesAsync()
    {
        var idleTimeout = TimeSpan.FromSeconds(_options.IdleTimeoutSeconds);
        while (_closeReason is null)
        {
            // While publishing, only a silent publisher times out (not a handler applying back-pressure).
            var publishing = _session is not null;
            if (publishing)
            {
                _timeout.CancelAfter(idleTimeout);
            }

            var result = await _input.ReadAsync(_timeout.Token).ConfigureAwait(false);
            if (publishing)
            {
                _timeout.CancelAfter(Timeout.InfiniteTimeSpan);
            }

            var buffer = result.Buffer;
            var available = buffer.Length;
            try
            {
                while (_closeReason is null && _chunkReader.TryReadChunk(ref buffer, out var message))
                {
                    if (message is not null)
                    {
                        await HandleAsync(message).ConfigureAwait(false);
                    }
                }
            }
            finally
            {
                _received += available - buffer.Length;
                _input.AdvanceTo(buffer.Start, buffer.End);
            }

            await AcknowledgeAsync().ConfigureAwait(false);
            if (result.IsCompleted)
            {
                _closeReason ??= buffer.IsEmpty ? "the publisher disconnected" : "the publisher disconnected in the middle of a chunk";
            }
        }
    }

    private async Task HandleAsync(RtmpMessage message)
    {
        switch (message.Type)
        {
            case RtmpMessageType.CommandAmf0 or RtmpMessageType.CommandAmf3:
                await HandleCommandAsync(RtmpCommand.Parse(message), message.StreamId).ConfigureAwait(false);
                break;
            case RtmpMessageType.WindowAcknowledgementSize:
                var window = RtmpControl.ReadUInt32(message);
                _peerWindow = window > 0 ? window : _peerWindow;
                break;
            case RtmpMessageType.Audio or RtmpMessageType.Video or RtmpMessageType.DataAmf0 or RtmpMessageType.DataAmf3 or RtmpMessageType.Aggregate:
                // Media before an accepted publish, or on another message stream, is never handed on.
                if (_session is { } session && message.StreamId == session.StreamId)
                {
                    await session.WriteAsync(message, _connection.Token).ConfigureAwait(false);
                }

                break;
        }

        // Set Chunk Size and Abort were applied by the chunk reader; acknowledgements, user control and peer
        // bandwidth from a publisher change nothing here.
    }

    private async Task HandleCommandAsync(RtmpCommand command, uint streamId)
    {
        switch (command.Name)
        {
            case "connect":
                await ConnectAsync(command).ConfigureAwait(false);
                break;
            case "createStream":
                RequireConnected(command);
                await SendCommandAsync(RtmpReplies.Result(command.TransactionId, (double)++_lastStreamId)).ConfigureAwait(false);
                break;
            case "releaseStream" or "FCPublish":
                // Flash Media Server conventions that publishers send before publish; a plain result satisfies them.
                RequireConnected(command);
                await SendCommandAsync(RtmpReplies.Result(command.TransactionId, Amf0Undefined.Value)).ConfigureAwait(false);
                break;
            case "publish":
                RequireConnected(command);
                await PublishAsync(command.StringArgument(0) ?? string.Empty, streamId).ConfigureAwait(false);
                break;
            case "FCUnpublish":
                await EndSessionAsync().ConfigureAwait(false);
                break;
            case "deleteStream" or "closeStream":
                // deleteStream names the stream in its argument, closeStream is sent on it; another stream is not this publish.
                var closed = command.Name == "deleteStream" && command.Arguments is [double id, ..] ? (uint)id : streamId;
                if (closed == _session?.StreamId)
                {
                    await EndSessionAsync().ConfigureAwait(false);
                }

                break;
            case "play":
                await SendCommandAsync(RtmpReplies.OnStatus(streamId, RtmpReplies.ErrorLevel, "NetStream.Play.Failed", "This server takes publishers only.")).ConfigureAwait(false);
                _closeReason = "a player asked to play";
                _lingerForReply = true;
                break;
            default:
                RtmpLog.IgnoredCommand(_logger, _id, RtmpLog.Shorten(command.Name));
                break;
        }
    }

    private void RequireConnected(RtmpCommand command)
    {
        if (!_connected)
        {
            throw new RtmpProtocolException($"'{command.Name}' before 'connect'.");
        }
    }

    private async Task ConnectAsync(RtmpCommand command)
    {
        if (_connected)
        {
            throw new RtmpProtocolException("A second 'connect' on one connection.");
        }

        // OBS and FFmpeg send the path as the app ("live"); some clients add a query string or a trailing slash.
        var app = (command.CommandObject?.GetString("app") ?? string.Empty).Split('?')[0].Trim('/');
        if (!string.Equals(app, _options.Application, StringComparison.OrdinalIgnoreCase))
        {
            var reason = $"unknown application '{RtmpLog.Shorten(app)}' (publish to rtmp://host:port/{_options.Application}/KEY)";
            RtmpLog.ConnectRejected(_logger, _id, _remote, reason);
            await SendCommandAsync(RtmpReplies.ConnectRejected(command.TransactionId, $"Unknown application '{RtmpLog.Shorten(app)}'.")).ConfigureAwait(false);
            _closeReason = reason;
            _lingerForReply = true;
            return;
        }

        WriteControl(RtmpControl.WindowAcknowledgementSize(AcknowledgementWindow));
        WriteControl(RtmpControl.SetPeerBandwidth(AcknowledgementWindow, RtmpControl.DynamicLimit));
        WriteControl(RtmpControl.SetChunkSize(OutgoingChunkSize));
        _chunkWriter.ChunkSize = OutgoingChunkSize;
        await SendCommandAsync(RtmpReplies.ConnectSuccess(command.TransactionId)).ConfigureAwait(false);
        _connected = true;
    }

    private async Task PublishAsync(string streamKey, uint streamId)
    {
        if (_session is not null)
        {
            // One live session per connection: the one already running carries on.
            RtmpLog.PublishRefused(_logger, RtmpLog.KeyPrefix(streamKey), _remote, "this connection is already publishing");
            await SendStatusAsync(streamId, RtmpReplies.ErrorLevel, "NetStream.Publish.BadName", "This connection is already publishing.").ConfigureAwait(false);
            return;
        }

        var decision = streamKey.Length is 0 or > MaxStreamKeyLength
            ? PublishDecision.Refuse($"a stream key of {streamKey.Length} characters (1..{MaxStreamKeyLength})")
            : await AuthorizeAsync(streamKey).ConfigureAwait(false);
        if (decision is null)
        {
            await SendStatusAsync(streamId, RtmpReplies.ErrorLevel, "NetStream.Failed", "The stream key could not be checked; try again later.").ConfigureAwait(false);
            _closeReason = "the authorizer failed";
            _lingerForReply = true;
            return;
        }

        if (!decision.Accepted || decision.LiveStreamId is not { } liveStreamId)
        {
            RtmpLog.PublishRefused(_logger, RtmpLog.KeyPrefix(streamKey), _remote, decision.Reason ?? "refused");
            await SendStatusAsync(streamId, RtmpReplies.ErrorLevel, "NetStream.Publish.BadName", "The stream key was refused.").ConfigureAwait(false);
            _closeReason = "publish refused";
            _lingerForReply = true;
            return;
        }

        // From here only silence counts (the idle timeout, armed around each read), not the handshake deadline.
        _timeout.CancelAfter(Timeout.InfiniteTimeSpan);
        WriteControl(RtmpControl.StreamBegin(streamId));
        await SendStatusAsync(streamId, RtmpReplies.StatusLevel, "NetStream.Publish.Start", "Publishing.").ConfigureAwait(false);
        _chunkReader.MaxMessageBytes = _options.MaxMessageBytes;

        var session = new RtmpPublishSession(streamId, liveStreamId);
        var ingest = new IngestSession(IngestProtocol.Rtmp, liveStreamId, streamKey, _remote, "flv", session.Media, _connectedAt);
        _session = session;
        session.Handler = Task.Run(() => RunHandlerAsync(session, ingest));
        RtmpLog.PublishStarted(_logger, RtmpLog.KeyPrefix(streamKey), _remote, liveStreamId);
    }

    /// <summary>The authorizer's decision, or null when it failed (its failure is logged).</summary>
    private async Task<PublishDecision?> AuthorizeAsync(string streamKey)
    {
        try
        {
            return await _authorizer.AuthorizeAsync(new PublishRequest(IngestProtocol.Rtmp, streamKey, _remote), _timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            RtmpLog.AuthorizerFailed(_logger, e, RtmpLog.KeyPrefix(streamKey), _remote);
            return null;
        }
    }

    private async Task RunHandlerAsync(RtmpPublishSession session, IngestSession ingest)
    {
        try
        {
            await _handler.RunAsync(ingest, _stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _handlerFailed = true;
            RtmpLog.HandlerFailed(_logger, e, session.LiveStreamId);
        }
        finally
        {
            session.CompleteReader();
            // A handler that returns while the publisher is still sending ends the connection.
            if (!session.Ended)
            {
                _handlerEnded = true;
                _connection.Cancel();
            }
        }
    }

    /// <summary>The publisher unpublished: EOF to the handler, then the connection may publish again.</summary>
    private async Task EndSessionAsync()
    {
        if (_session is not { } session)
        {
            return;
        }

        _session = null;
        session.Complete();
        await session.Handler.ConfigureAwait(false);
        RtmpLog.SessionEnded(_logger, session.LiveStreamId, _remote, "the publisher unpublished", session.Tags, session.Bytes);
        _chunkReader.MaxMessageBytes = CommandMessageLimit;
        _timeout.CancelAfter(HandshakeTimeout);
    }

    private async Task CloseAsync(string reason)
    {
        var session = _session;
        _session = null;
        session?.Complete();
        if (_lingerForReply)
        {
            await LingerAsync().ConfigureAwait(false);
        }

        try
        {
            await _output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The peer is gone; nothing left to tell it.
        }

        await _input.CompleteAsync().ConfigureAwait(false);
        _network.Socket.Close();
        if (session is not null)
        {
            await session.Handler.ConfigureAwait(false);
            RtmpLog.SessionEnded(_logger, session.LiveStreamId, _remote, reason, session.Tags, session.Bytes);
        }

        RtmpLog.Closed(_logger, _id, _remote, reason);
    }

    /// <summary>
    /// After a final answer (a refusal), closing at once with unread bytes would reset the connection and could destroy
    /// the answer before the client reads it: send FIN instead and give the client a moment to close first.
    /// </summary>
    private async Task LingerAsync()
    {
        using var linger = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
        linger.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            _network.Socket.Shutdown(SocketShutdown.Send);
            while (true)
            {
                var result = await _input.ReadAsync(linger.Token).ConfigureAwait(false);
                _input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
        {
        }
    }

    private async Task AcknowledgeAsync()
    {
        if (_received - _lastAcknowledged >= _peerWindow && _closeReason is null)
        {
            _lastAcknowledged = _received;
            WriteControl(RtmpControl.Acknowledgement(unchecked((uint)_received)));
            await _output.FlushAsync(_connection.Token).ConfigureAwait(false);
        }
    }

    private void WriteControl(RtmpMessage message) => _chunkWriter.Write(_output, RtmpControl.ChunkStreamId, message);

    private Task SendStatusAsync(uint streamId, string level, string code, string description) =>
        SendCommandAsync(RtmpReplies.OnStatus(streamId, level, code, description));

    /// <summary>Sends the command and whatever control messages were written before it.</summary>
    private async Task SendCommandAsync(RtmpMessage command)
    {
        _chunkWriter.Write(_output, CommandChunkStream, command);
        await _output.FlushAsync(_connection.Token).ConfigureAwait(false);
    }
}
