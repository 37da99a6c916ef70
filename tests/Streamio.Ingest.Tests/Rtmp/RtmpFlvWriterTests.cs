using System.Buffers;
using System.Buffers.Binary;
using Streamio.Ingest.Rtmp;

namespace Streamio.Ingest.Tests.Rtmp;

public sealed class RtmpFlvWriterTests
{
    [Fact]
    public void The_header_says_flv_version_1_with_audio_and_video_then_a_zero_previous_tag_size()
    {
        var output = new ArrayBufferWriter<byte>();

        RtmpFlvWriter.WriteHeader(output);

        Assert.Equal(Convert.FromHexString("464C5601" + "05" + "00000009" + "00000000"), output.WrittenSpan.ToArray());
    }

    [Fact]
    public void A_video_message_becomes_a_tag_with_its_timestamp_split_into_24_and_8_bits_and_its_size_after_it()
    {
        var output = new ArrayBufferWriter<byte>();

        var tags = RtmpFlvWriter.WriteMessage(output, new RtmpMessage(RtmpMessageType.Video, 1, 0x12345678, [0x17, 0x01, 0xAA]));

        Assert.Equal(1, tags);
        Assert.Equal(
            Convert.FromHexString("09" + "000003" + "345678" + "12" + "000000" + "1701AA" + "0000000E"),
            output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Set_data_frame_is_unwrapped_to_the_on_meta_data_it_carries()
    {
        var metadata = Amf0Writer.Encode("onMetaData", new Amf0EcmaArray { { "width", 320.0 } });
        var output = new ArrayBufferWriter<byte>();

        RtmpFlvWriter.WriteMessage(output, new RtmpMessage(RtmpMessageType.DataAmf0, 1, 0, [.. Amf0Writer.Encode("@setDataFrame"), .. metadata]));

        var tag = output.WrittenSpan.ToArray();
        Assert.Equal(RtmpFlvWriter.ScriptTag, tag[0]);
        Assert.Equal(metadata, tag[11..^4]);
        var values = Amf0Reader.ReadAll(tag[11..^4]);
        Assert.Equal("onMetaData", values[0]);
        Assert.Equal(320.0, Assert.IsType<Amf0EcmaArray>(values[1])["width"]);
    }

    [Theory]
    [InlineData((byte)RtmpMessageType.DataAmf0, "@clearDataFrame")] // addressed to the server, not to viewers
    [InlineData((byte)RtmpMessageType.UserControl, null)]
    [InlineData((byte)RtmpMessageType.CommandAmf0, "publish")]
    public void Messages_flv_has_no_place_for_become_no_tags(byte type, string? name)
    {
        var output = new ArrayBufferWriter<byte>();

        var tags = RtmpFlvWriter.WriteMessage(output, new RtmpMessage((RtmpMessageType)type, 1, 0, name is null ? [0, 0] : Amf0Writer.Encode(name)));

        Assert.Equal(0, tags);
        Assert.Equal(0, output.WrittenCount);
    }

    [Fact]
    public void An_aggregate_message_becomes_its_tags_at_times_relative_to_the_aggregate()
    {
        var aggregate = new ArrayBufferWriter<byte>();
        RtmpFlvWriter.WriteTag(aggregate, RtmpFlvWriter.VideoTag, 500, [1, 2, 3]);
        RtmpFlvWriter.WriteTag(aggregate, RtmpFlvWriter.AudioTag, 520, [4, 5]);
        var output = new ArrayBufferWriter<byte>();

        var tags = RtmpFlvWriter.WriteMessage(output, new RtmpMessage(RtmpMessageType.Aggregate, 1, 10_000, aggregate.WrittenSpan.ToArray()));

        Assert.Equal(2, tags);
        var bytes = output.WrittenSpan.ToArray();
        Assert.Equal((RtmpFlvWriter.VideoTag, 10_000u), (bytes[0], TagTime(bytes)));
        var second = bytes[(11 + 3 + 4)..];
        Assert.Equal((RtmpFlvWriter.AudioTag, 10_020u), (second[0], TagTime(second)));
    }

    [Fact]
    public void A_truncated_aggregate_is_malformed()
    {
        var error = Assert.Throws<RtmpProtocolException>(() =>
            RtmpFlvWriter.WriteMessage(new ArrayBufferWriter<byte>(), new RtmpMessage(RtmpMessageType.Aggregate, 1, 0, Convert.FromHexString("0900FFFF00000000000000AA"))));

        Assert.Contains("runs past its end", error.Message, StringComparison.Ordinal);
    }

    private static uint TagTime(byte[] tag) => (uint)((tag[4] << 16) | (tag[5] << 8) | tag[6] | (tag[7] << 24));
}

public sealed class RtmpHandshakeTests
{
    [Fact]
    public void S1_has_a_zero_version_field_and_S2_echoes_C1()
    {
        var c1 = new byte[RtmpHandshake.PacketSize];
        new Random(1).NextBytes(c1);

        var response = RtmpHandshake.CreateResponse(c1, serverTime: 1234);

        Assert.Equal(1 + (2 * RtmpHandshake.PacketSize), response.Length);
        Assert.Equal(RtmpHandshake.Version, response[0]);
        var s1 = response.AsSpan(1, RtmpHandshake.PacketSize);
        Assert.Equal(1234u, BinaryPrimitives.ReadUInt32BigEndian(s1));
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(s1[4..]));
        var s2 = response.AsSpan(1 + RtmpHandshake.PacketSize);
        Assert.True(s2[..4].SequenceEqual(c1.AsSpan(0, 4)));
        Assert.True(s2[8..].SequenceEqual(c1.AsSpan(8)));
    }

    [Theory]
    [InlineData(0x47, "not an RTMP client")] // 'G' of an HTTP GET
    [InlineData(0x06, "RTMPE")]
    public void Anything_but_version_3_is_refused(byte c0, string reason)
    {
        var error = Assert.Throws<RtmpProtocolException>(() => RtmpHandshake.ValidateVersion(c0));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
