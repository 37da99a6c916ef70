using System.Buffers;
using System.Buffers.Binary;

namespace Streamio.Ingest.Rtmp;

/// <summary>
/// Turns a publisher's audio, video and data messages into an FLV byte stream (FLV specification, version 10): the file
/// header, then one tag per message with its absolute timestamp, each followed by its previous-tag-size. Pure.
/// </summary>
internal static class RtmpFlvWriter
{
    public const byte AudioTag = 8;
    public const byte VideoTag = 9;
    public const byte ScriptTag = 18;
    private const int TagHeaderSize = 11;

    // "FLV", version 1, audio and video present, a 9-byte header, then PreviousTagSize0 = 0.
    private static readonly byte[] Header = [(byte)'F', (byte)'L', (byte)'V', 1, 0x05, 0, 0, 0, 9, 0, 0, 0, 0];

    public static void WriteHeader(IBufferWriter<byte> output) => output.Write(Header);

    /// <summary>Writes the tags a message becomes (none for a message FLV has no place for); returns how many.</summary>
    public static int WriteMessage(IBufferWriter<byte> output, RtmpMessage message)
    {
        switch (message.Type)
        {
            case RtmpMessageType.Audio when message.Payload.Length > 0:
                WriteTag(output, AudioTag, message.Timestamp, message.Payload);
                return 1;
            case RtmpMessageType.Video when message.Payload.Length > 0:
                WriteTag(output, VideoTag, message.Timestamp, message.Payload);
                return 1;
            case RtmpMessageType.DataAmf0:
                return WriteData(output, message.Timestamp, message.Payload);
            case RtmpMessageType.DataAmf3 when message.Payload.Length > 0 && message.Payload[0] == 0:
                // An AMF3 data message whose body starts with the AMF0 marker is AMF0 after that byte.
                return WriteData(output, message.Timestamp, message.Payload.AsSpan(1));
            case RtmpMessageType.Aggregate:
                return WriteAggregate(output, message);
            default:
                return 0;
        }
    }

    public static void WriteTag(IBufferWriter<byte> output, byte tagType, uint timestamp, ReadOnlySpan<byte> data)
    {
        if (data.Length > 0xFFFFFF)
        {
            throw new ArgumentException($"A {data.Length}-byte tag does not fit FLV's 24-bit size.", nameof(data));
        }

        var header = output.GetSpan(TagHeaderSize);
        header[0] = tagType;
        WriteUInt24(header[1..], (uint)data.Length);
        // The low 24 bits of the time, then its high 8 bits (TimestampExtended), then a stream id of 0.
        WriteUInt24(header[4..], timestamp & 0xFFFFFF);
        header[7] = (byte)(timestamp >> 24);
        WriteUInt24(header[8..], 0);
        output.Advance(TagHeaderSize);
        output.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(output.GetSpan(4), (uint)(TagHeaderSize + data.Length));
        output.Advance(4);
    }

    /// <summary>
    /// A data message: <c>@setDataFrame</c> is the publisher asking the server to keep what follows (onMetaData), so the
    /// wrapper is dropped and the rest written; other server-directed "@" commands are dropped; anything else (onCuePoint,
    /// onTextData) is written as it is. Data that is not AMF0 is dropped rather than passed to a demuxer.
    /// </summary>
    private static int WriteData(IBufferWriter<byte> output, uint timestamp, ReadOnlySpan<byte> payload)
    {
        string? name;
        int nameBytes;
        try
        {
            var reader = new Amf0Reader(payload);
            name = reader.ReadValue() as string;
            nameBytes = reader.Position;
        }
        catch (RtmpProtocolException)
        {
            return 0;
        }

        if (name == "@setDataFrame")
        {
            payload = payload[nameBytes..];
        }
        else if (name is null || name.StartsWith('@'))
        {
            return 0;
        }

        if (payload.IsEmpty)
        {
            return 0;
        }

        WriteTag(output, ScriptTag, timestamp, payload);
        return 1;
    }

    /// <summary>
    /// An aggregate message holds FLV-shaped tags back to back; their times are relative to the first one, which is
    /// the aggregate's own time.
    /// </summary>
    private static int WriteAggregate(IBufferWriter<byte> output, RtmpMessage message)
    {
        var data = message.Payload.AsSpan();
        uint? firstTime = null;
        var written = 0;
        while (data.Length > 0)
        {
            if (data.Length < TagHeaderSize)
            {
                throw new RtmpProtocolException($"An aggregate message ends in a {data.Length}-byte partial tag header.");
            }

            var type = data[0];
            var size = (int)ReadUInt24(data[1..]);
            var time = ReadUInt24(data[4..]) | ((uint)data[7] << 24);
            if (data.Length < TagHeaderSize + size)
            {
                throw new RtmpProtocolException($"An aggregate message's {size}-byte tag runs past its end.");
            }

            firstTime ??= time;
            var absolute = unchecked(message.Timestamp + (time - firstTime.Value));
            var body = data.Slice(TagHeaderSize, size);
            written += type switch
            {
                AudioTag or VideoTag => WriteMessage(output, new RtmpMessage((RtmpMessageType)type, message.StreamId, absolute, body.ToArray())),
                ScriptTag => WriteData(output, absolute, body),
                _ => 0,
            };

            // Each sub-tag is followed by a 4-byte back pointer, which a well-formed aggregate has and a truncated one may lack.
            data = data[Math.Min(data.Length, TagHeaderSize + size + 4)..];
        }

        return written;
    }

    private static uint ReadUInt24(ReadOnlySpan<byte> bytes) => (uint)((bytes[0] << 16) | (bytes[1] << 8) | bytes[2]);

    private static void WriteUInt24(Span<byte> bytes, uint value)
    {
        bytes[0] = (byte)(value >> 16);
        bytes[1] = (byte)(value >> 8);
        bytes[2] = (byte)value;
    }
}
