using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Streamio.Ingest.Rtmp;

namespace Streamio.Ingest.Tests.Rtmp;

/// <summary>
/// A bare RTMP client on a real socket, for what FFmpeg will not do on demand (publish twice on one connection, send
/// unknown commands, media before publish). Built on the chunk and AMF0 code the pure tests cover.
/// </summary>
public sealed class RtmpTestClient : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly RtmpChunkWriter _writer = new();
    private readonly RtmpChunkReader _reader = new(16 * 1024 * 1024);
    private byte[] _pending = [];
    private double _transactionId = 1;

    private RtmpTestClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<RtmpTestClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var client = new RtmpTestClient(tcp);
        var c1 = new byte[RtmpHandshake.PacketSize];
        Random.Shared.NextBytes(c1);
        await client._stream.WriteAsync((byte[])[RtmpHandshake.Version, .. c1]);
        var response = new byte[1 + (2 * RtmpHandshake.PacketSize)];
        await client._stream.ReadExactlyAsync(response);
        await client._stream.WriteAsync(response.AsMemory(1, RtmpHandshake.PacketSize));
        return client;
    }

    /// <summary>A client past the handshake and connected to "live".</summary>
    public static async Task<RtmpTestClient> ConnectedAsync(int port)
    {
        var client = await ConnectAsync(port);
        var answer = await client.ConnectAppAsync();
        return answer.Name == "_result" ? client : throw new InvalidOperationException($"connect was answered with {answer.Name}.");
    }

    /// <summary>connect to the app; returns the answer (_result or _error).</summary>
    internal async Task<RtmpCommand> ConnectAppAsync(string app = "live")
    {
        await SendConnectAsync(app);
        return await ReceiveCommandAsync();
    }

    internal Task SendConnectAsync(string app) =>
        SendCommandAsync(0, "connect", new Amf0Object { { "app", app }, { "type", "nonprivate" }, { "tcUrl", $"rtmp://127.0.0.1/{app}" } });

    /// <summary>createStream then publish; returns the stream id and the onStatus code.</summary>
    internal async Task<(uint StreamId, string? Code)> PublishAsync(string key)
    {
        await SendCommandAsync(0, "createStream", null);
        var created = await ReceiveCommandAsync();
        var streamId = (uint)(double)created.Arguments[0]!;
        var code = await PublishOnAsync(streamId, key);
        return (streamId, code);
    }

    internal async Task<string?> PublishOnAsync(uint streamId, string key)
    {
        await SendCommandAsync(streamId, "publish", null, key, "live");
        var status = await ReceiveCommandAsync();
        return status.Arguments[0] is Amf0Properties info ? info.GetString("code") : null;
    }

    /// <summary>A command: its name, the next transaction id, the command object (often null), then the arguments.</summary>
    internal async Task SendCommandAsync(uint streamId, string name, Amf0Properties? commandObject, params object?[] arguments)
    {
        await SendAsync(RtmpCommand.Encode(streamId, name, _transactionId++, [commandObject, .. arguments]), 3);
    }

    internal async Task SendAsync(RtmpMessage message, uint chunkStreamId)
    {
        var buffer = new ArrayBufferWriter<byte>();
        _writer.Write(buffer, chunkStreamId, message);
        await _stream.WriteAsync(buffer.WrittenMemory);
    }

    /// <summary>Announces and uses a larger chunk size, as publishers do before sending media.</summary>
    internal async Task SetChunkSizeAsync(int size)
    {
        await SendAsync(RtmpControl.SetChunkSize(size), RtmpControl.ChunkStreamId);
        _writer.ChunkSize = size;
    }

    /// <summary>A video message as FFmpeg would send it: an H.264 keyframe header byte, then the payload.</summary>
    internal Task SendVideoAsync(uint streamId, uint timestamp, byte marker) =>
        SendAsync(new RtmpMessage(RtmpMessageType.Video, streamId, timestamp, [0x17, 0x01, 0, 0, 0, marker]), 6);

    /// <summary>The next command message from the server, skipping control messages.</summary>
    internal async Task<RtmpCommand> ReceiveCommandAsync()
    {
        while (true)
        {
            var message = await ReceiveAsync(RtmpMessageType.CommandAmf0);
            return RtmpCommand.Parse(message);
        }
    }

    /// <summary>True once the server closed the connection (EOF or reset); everything sent before it is read and dropped.</summary>
    public async Task<bool> ClosedByServerAsync()
    {
        try
        {
            while (await ReceiveAsync() is not null)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public void Dispose() => _tcp.Dispose();

    /// <summary>The next message of that type, skipping others; fails if the server closes first.</summary>
    internal async Task<RtmpMessage> ReceiveAsync(RtmpMessageType type)
    {
        while (true)
        {
            var message = await ReceiveAsync() ?? throw new IOException($"The server closed the connection before sending {type}.");
            if (message.Type == type)
            {
                return message;
            }
        }
    }

    private async Task<RtmpMessage?> ReceiveAsync()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var buffer = new byte[8192];
        while (true)
        {
            var sequence = new ReadOnlySequence<byte>(_pending);
            var found = _reader.TryReadChunk(ref sequence, out var message);
            _pending = sequence.ToArray();
            if (found && message is not null)
            {
                return message;
            }

            if (!found)
            {
                var read = await _stream.ReadAsync(buffer, limit.Token);
                if (read == 0)
                {
                    return null;
                }

                _pending = [.. _pending, .. buffer.AsSpan(0, read)];
            }
        }
    }
}
