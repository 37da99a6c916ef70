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
