using System.Buffers.Binary;
using System.Text;
using Streamio.Media.Cmaf;

namespace Streamio.Media.Tests.Cmaf;

public sealed class CmafFragmentTests
{
    [Fact]
    public void A_fragmented_file_splits_into_init_and_media_without_the_index_and_renumbers_the_fragment()
    {
        var kid = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();
        var init = Concat(Box("ftyp", Encoding.ASCII.GetBytes("iso6\0\0\0\0")),
            Box("moov", Box("trak", Box("mdia", Box("mdhd", FullBox(0, [.. new byte[8], .. U32(48000), .. new byte[8]]))),
                Box("encv", Box("sinf", Box("schi", Box("tenc", FullBox(0, [0, 0, 1, 8, .. kid]))))))));
        var media = Concat(Box("moof", Box("mfhd", FullBox(0, U32(1))), Box("traf", Box("tfdt", FullBox(1, U64(5_000_000_000))))), Box("mdat", [1, 2, 3]));
        var file = Concat(init, media, Box("mfra", new byte[8]));

        var parts = CmafFragment.Split(file, 7);

        Assert.Equal(init, parts.Init);
        Assert.Equal(media.Length, parts.Media.Length);
        Assert.Equal(48000, parts.Timescale);
        Assert.Equal(5_000_000_000, parts.DecodeTime);
        Assert.Equal(kid, parts.KeyId);
        // mfhd's sequence number is the last 4 bytes of the moof's first child.
        Assert.Equal(7u, BinaryPrimitives.ReadUInt32BigEndian(parts.Media.AsSpan(8 + 12)));
    }

    [Fact]
    public void The_codec_fingerprint_follows_the_decoder_configuration_and_the_timescale_and_nothing_else()
    {
        static byte[] Init(uint timescale, byte[] config, byte bitrateHint) => Concat(Box("ftyp", new byte[8]),
            Box("moov", Box("trak", Box("mdia", Box("mdhd", FullBox(0, [.. new byte[8], .. U32(timescale), .. new byte[8]]))),
                Box("avc1", [.. new byte[78], .. Box("avcC", config), .. Box("btrt", [bitrateHint, .. new byte[11]])]))));

        // version, profile, compatibility, level, length size; one SPS; one PPS (FFmpeg keeps a trailing zero byte on some copies).
        static byte[] AvcC(byte level, params byte[] pps) => [1, 0x64, 0, level, 0xFF, 0xE1, 0, 4, 0x67, 0x64, 0, level, 1, 0, (byte)pps.Length, .. pps];

        var fingerprint = CmafFragment.CodecConfig(Init(90000, AvcC(0x1e, 0x68, 0xce, 0x3c, 0x80), 1));
        Assert.Matches("^[0-9a-f]{64}$", fingerprint);
        Assert.Equal(fingerprint, CmafFragment.CodecConfig(Init(90000, AvcC(0x1e, 0x68, 0xce, 0x3c, 0x80, 0), 2)));
        Assert.NotEqual(fingerprint, CmafFragment.CodecConfig(Init(90000, AvcC(0x1f, 0x68, 0xce, 0x3c, 0x80), 1)));
        Assert.NotEqual(fingerprint, CmafFragment.CodecConfig(Init(90000, AvcC(0x1e, 0x68, 0xce, 0x3d, 0x80), 1)));
        Assert.NotEqual(fingerprint, CmafFragment.CodecConfig(Init(48000, AvcC(0x1e, 0x68, 0xce, 0x3c, 0x80), 1)));
        Assert.Null(CmafFragment.CodecConfig(Concat(Box("ftyp", new byte[8]), Box("moov", Box("trak", [])))));

        // AAC: FFmpeg writes each fragment's bitrates into esds; only the object type and AudioSpecificConfig count.
        static byte[] Audio(uint bitrate, byte[] audioSpecificConfig) => Concat(Box("ftyp", new byte[8]),
            Box("moov", Box("trak", Box("mdia", Box("mdhd", FullBox(0, [.. new byte[8], .. U32(48000), .. new byte[8]]))),
                Box("mp4a", [.. new byte[28], .. Box("esds", FullBox(0, [
                    0x03, 0x80, 0x80, 0x80, (byte)(20 + audioSpecificConfig.Length), 0, 1, 0,
                    0x04, 0x80, 0x80, 0x80, (byte)(15 + audioSpecificConfig.Length), 0x40, 0x15, 0, 0, 0, .. U32(bitrate), .. U32(bitrate),
                    0x05, 0x80, 0x80, 0x80, (byte)audioSpecificConfig.Length, .. audioSpecificConfig,
                    0x06, 0x80, 0x80, 0x80, 1, 2]))]))));
        var aac = CmafFragment.CodecConfig(Audio(72089, [0x11, 0x88]));
        Assert.Equal(aac, CmafFragment.CodecConfig(Audio(71834, [0x11, 0x88])));
        Assert.NotEqual(aac, CmafFragment.CodecConfig(Audio(72089, [0x11, 0x90])));
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("no-moov")]
    [InlineData("no-fragment")]
    [InlineData("truncated")]
    public void Anything_else_is_invalid_data(string kind)
    {
        var ftyp = Box("ftyp", new byte[8]);
        var moov = Box("moov", Box("trak", []));
        byte[] file = kind switch
        {
            "empty" => [],
            "no-moov" => Concat(ftyp, Box("moof", []), Box("mdat", [])),
            "no-fragment" => Concat(ftyp, moov),
            _ => Concat(ftyp, moov, Box("moof", new byte[16]))[..^4],
        };
        Assert.Throws<InvalidDataException>(() => CmafFragment.Split(file, 1));
    }

    private static byte[] Box(string type, params byte[][] children)
    {
        var payload = Concat(children);
        return [.. U32((uint)(8 + payload.Length)), .. Encoding.ASCII.GetBytes(type), .. payload];
    }

    private static byte[] FullBox(byte version, byte[] body) => [version, 0, 0, 0, .. body];

    private static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] U64(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(part => part).ToArray();
}

public sealed class CencSubsampleTests
{
    [Fact]
    public void Slices_are_encrypted_in_whole_blocks_after_their_header_and_other_nal_units_stay_clear()
    {
        // An SEI (type 6) of 20 bytes, then an IDR slice (type 5) of 100 bytes, 4-byte length prefixes.
        byte[] sample = [0, 0, 0, 20, 6, .. new byte[19], 0, 0, 0, 100, 0x65, .. new byte[99]];
        Assert.Equal([(4 + 20 + 4 + 4, 96)], Streamio.Media.Cmaf.CencPackager.Subsamples(sample, 4));
        // Only non-VCL units: one clear run.
        Assert.Equal([(24, 0)], Streamio.Media.Cmaf.CencPackager.Subsamples(sample.AsSpan(0, 24), 4));
    }

    [Fact]
    public void A_nal_unit_longer_than_its_sample_is_invalid_data()
    {
        byte[] sample = [0, 0, 0, 50, 0x65, 1, 2, 3];
        Assert.Throws<InvalidDataException>(() => Streamio.Media.Cmaf.CencPackager.Subsamples(sample, 4));
    }
}
