using System.Buffers;
using Streamio.Ingest.Rtmp;

namespace Streamio.Ingest.Tests.Rtmp;

public sealed class RtmpChunkTests
{
    [Fact]
    public void A_format_0_chunk_is_one_whole_message()
    {
        // csid 3; timestamp 1000; length 4; type 20; stream id 1 (little-endian); payload.
        var bytes = Convert.FromHexString("03" + "0003E8" + "000004" + "14" + "01000000" + "DEADBEEF");

        var message = Assert.Single(ReadAll(new RtmpChunkReader(1024), bytes));

        Assert.Equal(new RtmpMessage(RtmpMessageType.CommandAmf0, 1, 1000, Convert.FromHexString("DEADBEEF")), message, MessageComparer.Instance);
    }

    [Fact]
    public void A_message_longer_than_the_chunk_size_is_reassembled_from_format_3_chunks()
    {
        var payload = Bytes(300, seed: 1);
        // 128 + 128 + 44 bytes: a format 0 header, then two one-byte format 3 headers (0xC6 = format 3, csid 6).
        var bytes = Concat(
            Convert.FromHexString("06" + "000000" + "00012C" + "09" + "01000000"), payload[..128],
            [0xC6], payload[128..256],
            [0xC6], payload[256..]);

        var message = Assert.Single(ReadAll(new RtmpChunkReader(1024), bytes));

        Assert.Equal(RtmpMessageType.Video, message.Type);
        Assert.Equal(payload, message.Payload);
    }

    [Fact]
    public void Interleaved_chunk_streams_each_complete_their_own_message()
    {
        var video = Bytes(200, seed: 2);
        var audio = Bytes(150, seed: 3);
        var bytes = Concat(
            Convert.FromHexString("06" + "000010" + "0000C8" + "09" + "01000000"), video[..128],
            Convert.FromHexString("04" + "000011" + "000096" + "08" + "01000000"), audio[..128],
            [0xC6], video[128..],
            [0xC4], audio[128..]);

        var messages = ReadAll(new RtmpChunkReader(1024), bytes);

        Assert.Equal(2, messages.Count);
        Assert.Equal((RtmpMessageType.Video, 16u), (messages[0].Type, messages[0].Timestamp));
        Assert.Equal(video, messages[0].Payload);
        Assert.Equal((RtmpMessageType.Audio, 17u), (messages[1].Type, messages[1].Timestamp));
        Assert.Equal(audio, messages[1].Payload);
    }

    [Fact]
    public void Formats_1_2_and_3_carry_deltas_that_add_up_to_absolute_timestamps()
    {
        var bytes = Concat(
            Convert.FromHexString("04" + "0003E8" + "000002" + "08" + "01000000" + "AAAA"), // type 0 at 1000
            Convert.FromHexString("44" + "000014" + "000003" + "08" + "BBBBBB"), // type 1: +20, new length
            Convert.FromHexString("84" + "000019" + "CCCCCC"), // type 2: +25, same length and type
            Convert.FromHexString("C4" + "DDDDDD")); // type 3: +25 again

        var messages = ReadAll(new RtmpChunkReader(1024), bytes);

        Assert.Equal([1000u, 1020u, 1045u, 1070u], messages.Select(m => m.Timestamp));
        Assert.All(messages, m => Assert.Equal(1u, m.StreamId));
        Assert.Equal(Convert.FromHexString("DDDDDD"), messages[3].Payload);
    }

    [Theory]
    [InlineData(2u)]
    [InlineData(63u)]
    [InlineData(64u)] // the smallest 2-byte id
    [InlineData(319u)] // the largest 2-byte id
    [InlineData(320u)] // the smallest 3-byte id
    [InlineData(65599u)] // the largest
    public void Chunk_stream_ids_in_every_basic_header_form_round_trip(uint chunkStreamId)
    {
        var writer = new RtmpChunkWriter();
        var buffer = new ArrayBufferWriter<byte>();
        var sent = new RtmpMessage(RtmpMessageType.Audio, 1, 5, Bytes(300, seed: 4));
        writer.Write(buffer, chunkStreamId, sent);
        writer.Write(buffer, chunkStreamId, sent with { Timestamp = 10 });

        var received = ReadAll(new RtmpChunkReader(1024), buffer.WrittenSpan.ToArray());

        Assert.Equal([sent, sent with { Timestamp = 10 }], received, MessageComparer.Instance);
    }

    [Theory]
    [InlineData(0x00FFFFFEu)]
    [InlineData(0x00FFFFFFu)] // the marker value itself must be sent extended
    [InlineData(0x7FFFFFFFu)]
    public void Extended_timestamps_round_trip_including_in_continuation_chunks(uint timestamp)
    {
        var writer = new RtmpChunkWriter();
        var buffer = new ArrayBufferWriter<byte>();
        var messages = new[]
        {
            new RtmpMessage(RtmpMessageType.Video, 1, timestamp, Bytes(400, seed: 5)),
            new RtmpMessage(RtmpMessageType.Video, 1, timestamp + 40, Bytes(400, seed: 6)),
            new RtmpMessage(RtmpMessageType.Video, 1, timestamp + 80, Bytes(400, seed: 7)),
        };
        foreach (var message in messages)
        {
            writer.Write(buffer, 6, message);
        }

        Assert.Equal(messages, ReadAll(new RtmpChunkReader(1024), buffer.WrittenSpan.ToArray()), MessageComparer.Instance);
    }

    [Theory]
    [InlineData(true)] // as the specification's errata, FFmpeg and OBS write them
    [InlineData(false)] // as some encoders write them: the 4 bytes left out of continuation chunks
    public void A_format_0_extended_timestamp_is_read_with_or_without_its_repeats(bool repeated)
    {
        var payload = Bytes(300, seed: 8);
        var repeat = repeated ? Convert.FromHexString("01000000") : [];
        // Timestamp field 0xFFFFFF, the extended value 0x01000000 after the header and maybe after each continuation header.
        var bytes = Concat(
            Convert.FromHexString("06" + "FFFFFF" + "00012C" + "09" + "01000000" + "01000000"), payload[..128],
            [0xC6], repeat, payload[128..256],
            [0xC6], repeat, payload[256..]);

        var message = Assert.Single(ReadAll(new RtmpChunkReader(1024), bytes));

        Assert.Equal(0x01000000u, message.Timestamp);
        Assert.Equal(payload, message.Payload);
    }

    [Fact]
    public void Set_chunk_size_changes_how_the_following_chunks_are_read()
    {
        var payload = Bytes(1000, seed: 9);
        var bytes = Concat(
            Convert.FromHexString("02" + "000000" + "000004" + "01" + "00000000" + "00001000"), // Set Chunk Size 4096
            Convert.FromHexString("06" + "000000" + "0003E8" + "09" + "01000000"), payload); // 1000 bytes in one chunk
        var reader = new RtmpChunkReader(1024 * 1024);

        var messages = ReadAll(reader, bytes);

        Assert.Equal(RtmpMessageType.SetChunkSize, messages[0].Type);
        Assert.Equal(4096, reader.ChunkSize);
        Assert.Equal(payload, messages[1].Payload);
    }

    [Fact]
    public void Abort_discards_the_partial_message_of_its_chunk_stream()
    {
        var bytes = Concat(
            Convert.FromHexString("06" + "000000" + "0000C8" + "09" + "01000000"), Bytes(128, seed: 10), // 128 of 200 bytes
            Convert.FromHexString("02" + "000000" + "000004" + "02" + "00000000" + "00000006"), // Abort chunk stream 6
            Convert.FromHexString("06" + "000000" + "000002" + "09" + "01000000" + "ABCD")); // a new message: no error

        var messages = ReadAll(new RtmpChunkReader(1024), bytes);

        Assert.Equal([RtmpMessageType.Abort, RtmpMessageType.Video], messages.Select(m => m.Type));
        Assert.Equal(Convert.FromHexString("ABCD"), messages[1].Payload);
    }

    [Fact]
    public void Bytes_arriving_one_at_a_time_give_the_same_messages()
    {
        var writer = new RtmpChunkWriter { ChunkSize = 100 };
        var buffer = new ArrayBufferWriter<byte>();
        var sent = Enumerable.Range(0, 5).Select(i => new RtmpMessage(RtmpMessageType.Video, 1, (uint)(i * 40), Bytes(250 + i, seed: i))).ToList();
        sent.ForEach(m => writer.Write(buffer, 6, m));
        var bytes = buffer.WrittenSpan.ToArray();
        var reader = new RtmpChunkReader(1024);

        // The peer announces its chunk size as a real publisher would, with a Set Chunk Size message.
        ReadAll(reader, SetChunkSizeMessage(100));
        var received = new List<RtmpMessage>();
        var pending = Array.Empty<byte>();
        foreach (var b in bytes)
        {
            var sequence = new ReadOnlySequence<byte>([.. pending, b]);
            received.AddRange(reader.ReadAll(ref sequence));
            pending = sequence.ToArray();
        }

        Assert.Empty(pending);
        Assert.Equal(sent, received, MessageComparer.Instance);
    }

    [Fact]
    public void The_writer_compresses_headers_and_splits_at_its_chunk_size()
    {
        var writer = new RtmpChunkWriter();
        var buffer = new ArrayBufferWriter<byte>();
        writer.Write(buffer, 4, new RtmpMessage(RtmpMessageType.Audio, 1, 0, [1, 2]));
        writer.Write(buffer, 4, new RtmpMessage(RtmpMessageType.Audio, 1, 23, [3, 4])); // format 2: delta 23
        writer.Write(buffer, 4, new RtmpMessage(RtmpMessageType.Audio, 1, 46, [5, 6])); // format 3: delta 23 again
        writer.Write(buffer, 4, new RtmpMessage(RtmpMessageType.Audio, 1, 69, [7, 8, 9])); // format 1: new length

        Assert.Equal(
            Convert.FromHexString(
                "04" + "000000" + "000002" + "08" + "01000000" + "0102" +
                "84" + "000017" + "0304" +
                "C4" + "0506" +
                "44" + "000017" + "000003" + "08" + "070809"),
            buffer.WrittenSpan.ToArray());
    }

    [Fact]
    public void A_message_over_the_limit_is_refused_from_its_header()
    {
        var bytes = Convert.FromHexString("06" + "000000" + "100000" + "09" + "01000000"); // 1 MiB declared

        var error = Assert.Throws<RtmpProtocolException>(() => ReadAll(new RtmpChunkReader(64 * 1024), bytes));

        Assert.Contains("limit", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("46000000000004" + "14", "first chunk must be format 0")] // format 1 on an unknown chunk stream
    [InlineData("02000000000004010000000000000000", "Set Chunk Size 0")]
    [InlineData("02000000000004010000000080000000", "Set Chunk Size 2147483648")]
    public void Malformed_chunks_fail_with_a_reason(string hex, string reason)
    {
        var error = Assert.Throws<RtmpProtocolException>(() => ReadAll(new RtmpChunkReader(1024), Convert.FromHexString(hex)));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_header_while_a_message_is_incomplete_is_refused()
    {
        var bytes = Concat(
            Convert.FromHexString("06" + "000000" + "0000C8" + "09" + "01000000"), Bytes(128, seed: 11),
            Convert.FromHexString("86" + "000010"), Bytes(72, seed: 12));

        var error = Assert.Throws<RtmpProtocolException>(() => ReadAll(new RtmpChunkReader(1024), bytes));

        Assert.Contains("before its previous one", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unfinished_messages_across_chunk_streams_cannot_pile_up_past_twice_the_limit()
    {
        // Three chunk streams each start a 60 KiB message (the limit is 64 KiB) and send 128 bytes of it.
        var bytes = Concat(Enumerable.Range(0, 3)
            .SelectMany(i => new[] { Convert.FromHexString($"{4 + i:X2}" + "000000" + "00F000" + "09" + "01000000"), Bytes(128, seed: i) })
            .ToArray());

        var error = Assert.Throws<RtmpProtocolException>(() => ReadAll(new RtmpChunkReader(64 * 1024), bytes));

        Assert.Contains("unfinished messages", error.Message, StringComparison.Ordinal);
    }

    private static byte[] SetChunkSizeMessage(int size)
    {
        var buffer = new ArrayBufferWriter<byte>();
        new RtmpChunkWriter().Write(buffer, RtmpControl.ChunkStreamId, RtmpControl.SetChunkSize(size));
        return buffer.WrittenSpan.ToArray();
    }

    private static List<RtmpMessage> ReadAll(RtmpChunkReader reader, byte[] bytes)
    {
        var sequence = new ReadOnlySequence<byte>(bytes);
        var messages = reader.ReadAll(ref sequence);
        Assert.Equal(0, sequence.Length);
        return messages;
    }

    private static byte[] Bytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>Messages are records holding arrays: equal when their fields and payload bytes are.</summary>
    private sealed class MessageComparer : IEqualityComparer<RtmpMessage>
    {
        public static readonly MessageComparer Instance = new();

        public bool Equals(RtmpMessage? x, RtmpMessage? y) =>
            x is not null && y is not null && x.Type == y.Type && x.StreamId == y.StreamId && x.Timestamp == y.Timestamp && x.Payload.AsSpan().SequenceEqual(y.Payload);

        public int GetHashCode(RtmpMessage obj) => HashCode.Combine(obj.Type, obj.StreamId, obj.Timestamp, obj.Payload.Length);
    }
}
