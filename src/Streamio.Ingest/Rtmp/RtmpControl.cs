using System.Buffers.Binary;

namespace Streamio.Ingest.Rtmp;

/// <summary>User control event types (RTMP specification, section 7.1.7).</summary>
internal enum RtmpUserControlEvent : ushort
{
    StreamBegin = 0,
    StreamEof = 1,
    StreamDry = 2,
    SetBufferLength = 3,
    StreamIsRecorded = 4,
    PingRequest = 6,
    PingResponse = 7,
}

/// <summary>Protocol control and user control messages: built for sending, read when received.</summary>
internal static class RtmpControl
{
    /// <summary>Protocol control messages travel on chunk stream 2 and message stream 0.</summary>
    public const uint ChunkStreamId = 2;

    /// <summary>Set Peer Bandwidth's limit type 2: the peer may treat the limit as hard or soft.</summary>
    public const byte DynamicLimit = 2;

    public static RtmpMessage SetChunkSize(int size) => UInt32Message(RtmpMessageType.SetChunkSize, (uint)size);

    public static RtmpMessage Acknowledgement(uint sequenceNumber) => UInt32Message(RtmpMessageType.Acknowledgement, sequenceNumber);

    public static RtmpMessage WindowAcknowledgementSize(uint size) => UInt32Message(RtmpMessageType.WindowAcknowledgementSize, size);

    public static RtmpMessage SetPeerBandwidth(uint size, byte limitType)
    {
        var payload = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(payload, size);
        payload[4] = limitType;
        return new RtmpMessage(RtmpMessageType.SetPeerBandwidth, 0, 0, payload);
    }

    public static RtmpMessage StreamBegin(uint streamId)
    {
        var payload = new byte[6];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)RtmpUserControlEvent.StreamBegin);
        BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(2), streamId);
        return new RtmpMessage(RtmpMessageType.UserControl, 0, 0, payload);
    }

    /// <summary>The 4-byte big-endian value that Set Chunk Size, Abort, Acknowledgement and Window Acknowledgement Size carry.</summary>
    public static uint ReadUInt32(RtmpMessage message) =>
        message.Payload.Length >= 4
            ? BinaryPrimitives.ReadUInt32BigEndian(message.Payload)
            : throw new RtmpProtocolException($"{message.Type} carries {message.Payload.Length} bytes, not 4.");

    public static RtmpUserControlEvent ReadUserControlEvent(RtmpMessage message) =>
        message.Payload.Length >= 2
            ? (RtmpUserControlEvent)BinaryPrimitives.ReadUInt16BigEndian(message.Payload)
            : throw new RtmpProtocolException($"A user control message of {message.Payload.Length} bytes has no event type.");

    private static RtmpMessage UInt32Message(RtmpMessageType type, uint value)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, value);
        return new RtmpMessage(type, 0, 0, payload);
    }
}
