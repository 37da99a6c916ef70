using System.Buffers;
using System.Buffers.Binary;

namespace Streamio.Ingest.Rtmp;

/// <summary>
/// Splits messages into chunks (RTMP specification, section 5.3), compressing each chunk stream's headers the way the
/// reader expects them: format 0 for a stream's first message or a time going back, 1 when the length or type
/// changes, 2 when only the time delta changes, 3 when nothing does and for every continuation chunk.
/// </summary>
internal sealed class RtmpChunkWriter
{
    private const uint ExtendedTimestampMarker = 0xFFFFFF;

    private readonly Dictionary<uint, LastHeader> _streams = [];

    /// <summary>Our chunk size; announce a change with a Set Chunk Size message before setting it.</summary>
    public int ChunkSize { get; set; } = RtmpChunkReader.DefaultChunkSize;

    public void Write(IBufferWriter<byte> output, uint chunkStreamId, RtmpMessage message)
    {
        if (chunkStreamId is < 2 or > 65599)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkStreamId), chunkStreamId, "Chunk stream ids are 2..65599.");
        }

        if (message.Payload.Length > 0xFFFFFF)
        {
            throw new ArgumentException($"A {message.Payload.Length}-byte message does not fit RTMP's 24-bit length.", nameof(message));
        }

        var (format, timestampField) = ChooseFormat(chunkStreamId, message);
        _streams[chunkStreamId] = new LastHeader(message.StreamId, message.Timestamp, message.Payload.Length, message.Type, timestampField);
        var extended = timestampField >= ExtendedTimestampMarker;

        WriteBasicHeader(output, format, chunkStreamId);
        if (format <= 2)
        {
            WriteUInt24(output, extended ? ExtendedTimestampMarker : timestampField);
        }

        if (format <= 1)
        {
            WriteUInt24(output, (uint)message.Payload.Length);
            WriteByte(output, (byte)message.Type);
        }

        if (format == 0)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(output.GetSpan(4), message.StreamId);
            output.Advance(4);
        }

        WriteExtendedTimestamp(output, extended, timestampField);
        var offset = 0;
        do
        {
            var size = Math.Min(ChunkSize, message.Payload.Length - offset);
            output.Write(message.Payload.AsSpan(offset, size));
            offset += size;
            if (offset < message.Payload.Length)
            {
                WriteBasicHeader(output, 3, chunkStreamId);
                WriteExtendedTimestamp(output, extended, timestampField);
            }
        }
        while (offset < message.Payload.Length);
    }

    private (int Format, uint TimestampField) ChooseFormat(uint chunkStreamId, RtmpMessage message)
    {
        if (!_streams.TryGetValue(chunkStreamId, out var last) || last.StreamId != message.StreamId || message.Timestamp < last.Timestamp)
        {
            return (0, message.Timestamp);
        }

        var delta = message.Timestamp - last.Timestamp;
        if (last.Length != message.Payload.Length || last.Type != message.Type)
        {
            return (1, delta);
        }

        return delta == last.TimestampField ? (3, delta) : (2, delta);
    }

    private static void WriteBasicHeader(IBufferWriter<byte> output, int format, uint chunkStreamId)
    {
        var marker = (byte)(format << 6);
        if (chunkStreamId < 64)
        {
            WriteByte(output, (byte)(marker | chunkStreamId));
        }
        else if (chunkStreamId < 320)
        {
            WriteByte(output, marker);
            WriteByte(output, (byte)(chunkStreamId - 64));
        }
        else
        {
            WriteByte(output, (byte)(marker | 1));
            WriteByte(output, (byte)((chunkStreamId - 64) & 0xFF));
            WriteByte(output, (byte)((chunkStreamId - 64) >> 8));
        }
    }

    private static void WriteExtendedTimestamp(IBufferWriter<byte> output, bool extended, uint timestampField)
    {
        if (extended)
        {
            BinaryPrimitives.WriteUInt32BigEndian(output.GetSpan(4), timestampField);
            output.Advance(4);
        }
    }

    private static void WriteUInt24(IBufferWriter<byte> output, uint value)
    {
        var span = output.GetSpan(3);
        span[0] = (byte)(value >> 16);
        span[1] = (byte)(value >> 8);
        span[2] = (byte)value;
        output.Advance(3);
    }

    private static void WriteByte(IBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    private readonly record struct LastHeader(uint StreamId, uint Timestamp, int Length, RtmpMessageType Type, uint TimestampField);
}
