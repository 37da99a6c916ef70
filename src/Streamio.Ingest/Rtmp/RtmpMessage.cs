namespace Streamio.Ingest.Rtmp;

/// <summary>RTMP message type ids (RTMP specification, sections 5.4 and 7.1).</summary>
internal enum RtmpMessageType : byte
{
    SetChunkSize = 1,
    Abort = 2,
    Acknowledgement = 3,
    UserControl = 4,
    WindowAcknowledgementSize = 5,
    SetPeerBandwidth = 6,
    Audio = 8,
    Video = 9,
    DataAmf3 = 15,
    SharedObjectAmf3 = 16,
    CommandAmf3 = 17,
    DataAmf0 = 18,
    SharedObjectAmf0 = 19,
    CommandAmf0 = 20,
    Aggregate = 22,
}

/// <summary>One whole RTMP message, reassembled from its chunks; <see cref="Timestamp"/> is absolute (milliseconds, wrapping at 2^32).</summary>
internal sealed record RtmpMessage(RtmpMessageType Type, uint StreamId, uint Timestamp, byte[] Payload)
{
    public override string ToString() => $"{Type} stream {StreamId} at {Timestamp} ms, {Payload.Length} bytes";
}
