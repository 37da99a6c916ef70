using System.Buffers;
using System.Buffers.Binary;

namespace Streamio.Ingest.Rtmp;

/// <summary>
/// Reassembles RTMP messages from chunks (RTMP specification, section 5.3): basic header formats 0–3, chunk stream ids in
/// their 1-, 2- and 3-byte forms, extended timestamps, interleaved chunk streams. It applies Set Chunk Size and Abort
/// itself (they change how the following chunks are read) and still hands them on. Pure: bytes in, messages out.
/// </summary>
internal sealed class RtmpChunkReader(int maxMessageBytes)
{
    public const int DefaultChunkSize = 128;
    private const uint ExtendedTimestampMarker = 0xFFFFFF;

    private readonly Dictionary<uint, ChunkStream> _streams = [];
    private long _pendingBytes;

    /// <summary>The peer's chunk size, changed by its Set Chunk Size messages.</summary>
    public int ChunkSize { get; private set; } = DefaultChunkSize;

    /// <summary>The largest message accepted; a longer one is a protocol error (the length is declared up front).</summary>
    public int MaxMessageBytes { get; set; } = maxMessageBytes;

    /// <summary>Every message completed by the whole chunks at the front of <paramref name="buffer"/>, which is advanced past them.</summary>
    public List<RtmpMessage> ReadAll(ref ReadOnlySequence<byte> buffer)
    {
        var messages = new List<RtmpMessage>();
        while (TryReadChunk(ref buffer, out var message))
        {
            if (message is not null)
            {
                messages.Add(message);
            }
        }

        return messages;
    }

    /// <summary>
    /// Reads one chunk when all of it is in <paramref name="buffer"/> (and advances past it); false leaves both the
    /// buffer and the reader untouched until more bytes arrive. <paramref name="message"/> is set when the chunk
    /// completed a message.
    /// </summary>
    public bool TryReadChunk(ref ReadOnlySequence<byte> buffer, out RtmpMessage? message)
    {
        message = null;
        var reader = new SequenceReader<byte>(buffer);
        if (!TryReadBasicHeader(ref reader, out var format, out var chunkStreamId))
        {
            return false;
        }

        _streams.TryGetValue(chunkStreamId, out var stream);
        if (stream is null && format != 0)
        {
            throw new RtmpProtocolException($"Chunk stream {chunkStreamId} starts with a format {format} header; its first chunk must be format 0.");
        }

        if (!TryReadMessageHeader(ref reader, format, stream, out var header))
        {
            return false;
        }

        var continuing = stream?.Partial is not null;
        if (continuing && format != 3)
        {
            throw new RtmpProtocolException($"Chunk stream {chunkStreamId} starts a new message before its previous one ({stream!.Length} bytes) is complete.");
        }

        if (!continuing)
        {
            ValidateLength(header.Length);
        }

        var remaining = continuing ? stream!.Length - stream.Received : header.Length;
        var payloadBytes = Math.Min(ChunkSize, remaining);
        if (reader.Remaining < payloadBytes)
        {
            return false;
        }

        // The whole chunk is here: only now does the reader's state change.
        stream ??= _streams[chunkStreamId] = new ChunkStream();
        if (!continuing)
        {
            stream.Begin(header, format);
            _pendingBytes += header.Length;
        }

        reader.UnreadSequence.Slice(0, payloadBytes).CopyTo(stream.Partial.AsSpan(stream.Received));
        reader.Advance(payloadBytes);
        stream.Received += payloadBytes;
        buffer = buffer.Slice(reader.Position);

        if (stream.Received == stream.Length)
        {
            message = new RtmpMessage(stream.Type, stream.StreamId, stream.Timestamp, stream.Partial!);
            _pendingBytes -= stream.Length;
            stream.Partial = null;
            Apply(message);
        }

        return true;
    }

    private void ValidateLength(int length)
    {
        if (length > MaxMessageBytes)
        {
            throw new RtmpProtocolException($"A {length}-byte message is over the {MaxMessageBytes}-byte limit.");
        }

        // Interleaved chunk streams may each hold a message in progress; together they may not hold more than two.
        if (_pendingBytes + length > 2L * MaxMessageBytes)
        {
            throw new RtmpProtocolException($"{_pendingBytes + length} bytes of unfinished messages are over the limit of {2L * MaxMessageBytes}.");
        }
    }

    private void Apply(RtmpMessage message)
    {
        switch (message.Type)
        {
            case RtmpMessageType.SetChunkSize:
                var size = RtmpControl.ReadUInt32(message);
                ChunkSize = size is >= 1 and <= int.MaxValue
                    ? (int)size
                    : throw new RtmpProtocolException($"Set Chunk Size {size} is outside 1..2147483647.");
                break;
            case RtmpMessageType.Abort:
                if (_streams.TryGetValue(RtmpControl.ReadUInt32(message), out var aborted) && aborted.Partial is not null)
                {
                    _pendingBytes -= aborted.Length;
                    aborted.Partial = null;
                }

                break;
        }
    }

    private static bool TryReadBasicHeader(ref SequenceReader<byte> reader, out int format, out uint chunkStreamId)
    {
        chunkStreamId = 0;
        if (!reader.TryRead(out var first))
        {
            format = 0;
            return false;
        }

        format = first >> 6;
        switch (first & 0x3F)
        {
            case 0:
                if (!reader.TryRead(out var low))
                {
                    return false;
                }

                chunkStreamId = 64u + low;
                return true;
            case 1:
                if (!reader.TryRead(out var lowByte) || !reader.TryRead(out var highByte))
                {
                    return false;
                }

                chunkStreamId = 64u + lowByte + (highByte * 256u);
                return true;
            default:
                chunkStreamId = (uint)(first & 0x3F);
                return true;
        }
    }

    private static bool TryReadMessageHeader(ref SequenceReader<byte> reader, int format, ChunkStream? previous, out ChunkHeader header)
    {
        header = default;
        uint timestampField = previous?.TimestampField ?? 0;
        var length = previous?.Length ?? 0;
        var type = previous?.Type ?? 0;
        var streamId = previous?.StreamId ?? 0;
        if (format <= 2)
        {
            if (!TryReadUInt24(ref reader, out timestampField))
            {
                return false;
            }
        }

        if (format <= 1)
        {
            if (!TryReadUInt24(ref reader, out var declared) || !reader.TryRead(out var typeByte))
            {
                return false;
            }

            length = (int)declared;
            type = (RtmpMessageType)typeByte;
        }

        if (format == 0)
        {
            if (!reader.TryReadLittleEndian(out int id))
            {
                return false;
            }

            streamId = (uint)id;
        }

        // A field of 0xFFFFFF means the real value follows in 4 bytes; format 3 chunks repeat it when their header had it.
        var extended = timestampField == ExtendedTimestampMarker;
        var value = timestampField;
        if (extended)
        {
            if (!reader.TryReadBigEndian(out int full))
            {
                return false;
            }

            value = (uint)full;
            // Some encoders leave the repeat out of a message's continuation chunks: then these 4 bytes, which differ
            // from the header's value, are payload.
            if (format == 3 && previous?.Partial is not null && value != previous.ExtendedValue)
            {
                reader.Rewind(4);
                value = previous.ExtendedValue;
            }
        }

        header = new ChunkHeader(timestampField, value, length, type, streamId);
        return true;
    }

    private static bool TryReadUInt24(ref SequenceReader<byte> reader, out uint value)
    {
        value = 0;
        Span<byte> bytes = stackalloc byte[3];
        if (!reader.TryCopyTo(bytes))
        {
            return false;
        }

        reader.Advance(3);
        value = (uint)((bytes[0] << 16) | (bytes[1] << 8) | bytes[2]);
        return true;
    }

    /// <summary>A message header as read: <see cref="TimestampValue"/> is the field with its extension applied.</summary>
    private readonly record struct ChunkHeader(uint TimestampField, uint TimestampValue, int Length, RtmpMessageType Type, uint StreamId);

    /// <summary>What a chunk stream remembers for the compressed headers that follow, and the message in progress.</summary>
    private sealed class ChunkStream
    {
        public uint TimestampField { get; private set; }

        /// <summary>The 4-byte extended value of the message's first chunk, when it had one.</summary>
        public uint ExtendedValue { get; private set; }

        public uint Timestamp { get; private set; }

        public int Length { get; private set; }

        public RtmpMessageType Type { get; private set; }

        public uint StreamId { get; private set; }

        public byte[]? Partial { get; set; }

        public int Received { get; set; }

        public void Begin(ChunkHeader header, int format)
        {
            TimestampField = header.TimestampField;
            ExtendedValue = header.TimestampValue;
            Length = header.Length;
            Type = header.Type;
            StreamId = header.StreamId;
            // Format 0 carries the absolute time, the others a delta; a format 3 header starting a message repeats the
            // last field as a delta, including a format 0's (the convention FFmpeg's and librtmp's writers follow).
            Timestamp = format == 0 ? header.TimestampValue : unchecked(Timestamp + header.TimestampValue);
            Partial = new byte[header.Length];
            Received = 0;
        }
    }
}
