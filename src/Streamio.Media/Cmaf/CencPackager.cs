using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace Streamio.Media.Cmaf;

/// <summary>
/// Common Encryption ('cenc' scheme: AES-128 in CTR mode, ISO/IEC 23001-7) of a clear fragmented MP4 that FFmpeg cut.
/// FFmpeg 5.1's mov muxer encrypts fragmented output but writes no per-fragment sample auxiliary information (senc,
/// saiz, saio), so nothing could decrypt it: Streamio does the encryption itself. H.264 samples use subsamples: each
/// NAL unit's length prefix, header and non-VCL units stay clear, and each slice's protected part is a whole number of
/// 16-byte blocks; AAC samples are encrypted whole. Every sample has its own 8-byte IV.
/// </summary>
public static class CencPackager
{
    public const int IvSize = 8;

    /// <summary>
    /// The init with its sample entry marked protected: avc1 becomes encv and mp4a enca, each with a sinf box naming the
    /// original format (frma), the scheme (schm 'cenc' 1.0) and the default KID and IV size (schi/tenc).
    /// </summary>
    public static byte[] ProtectInit(byte[] init, byte[] keyId)
    {
        if (keyId.Length != CencKey.Size)
        {
            throw new ArgumentException("A KID is 16 bytes.", nameof(keyId));
        }

        string[] path = ["moov", "trak", "mdia", "minf", "stbl", "stsd"];
        var ancestors = Enumerable.Range(1, path.Length)
            .Select(depth => Mp4Boxes.Find(init, path[..depth]) ?? throw new InvalidDataException($"The init segment has no {string.Join('/', path[..depth])}."))
            .ToList();
        var stsd = ancestors[^1];
        // stsd: full box header (4) and entry count (4), then the sample entries.
        var entry = Mp4Boxes.Children(init, stsd.PayloadOffset + 8, stsd.End).FirstOrDefault();
        var protectedType = entry.Type switch
        {
            "avc1" or "avc3" => "encv",
            "mp4a" => "enca",
            _ => throw new InvalidDataException($"Sample entry '{entry.Type}' is not one Streamio encrypts (H.264 or AAC)."),
        };
        byte[] tenc = [0, 0, 0, 0, 0, 0, 1, IvSize, .. keyId];
        var sinf = Box("sinf",
            Box("frma", System.Text.Encoding.ASCII.GetBytes(entry.Type)),
            Box("schm", [0, 0, 0, 0, .. "cenc"u8, 0, 1, 0, 0]),
            Box("schi", Box("tenc", tenc)));
        var result = Insert(init, [.. ancestors, entry], entry.End, sinf);
        System.Text.Encoding.ASCII.GetBytes(protectedType).CopyTo(result, entry.Offset + 4);
        // A pssh of the W3C common system naming the KID: browsers hand it to EME in the 'encrypted' event ("cenc"
        // init data), which is how players that learn keys from the media (hls.js) build their license request.
        var moov = Mp4Boxes.Find(result, "moov")!.Value;
        return Insert(result, [moov], moov.End, CommonPssh(keyId));
    }

    /// <summary>W3C "Common PSSH box format" system id, which ClearKey reads key ids from.</summary>
    public static readonly byte[] CommonSystemId = Convert.FromHexString("1077efecc0b24d02ace33c1e52e2fb4b");

    /// <summary>A version 1 pssh of the common system listing one KID, with no data.</summary>
    public static byte[] CommonPssh(byte[] keyId) => Box("pssh", [1, 0, 0, 0, .. CommonSystemId, .. U32(1), .. keyId, .. U32(0)]);

    /// <summary>The NAL unit length size of the init's H.264 track (from avcC), or null for any other track (audio).</summary>
    public static int? NalLengthSize(byte[] init)
    {
        var at = init.AsSpan().IndexOf("avcC"u8);
        return at < 4 || at + 9 > init.Length ? null : (init[at + 8] & 3) + 1;
    }

    /// <summary>
    /// The media segment (one moof with one traf, then its mdat) with every sample encrypted under
    /// <paramref name="key"/> and the traf carrying saiz, saio and senc (IVs and subsamples). Samples are H.264 with
    /// <paramref name="nalLengthSize"/>-byte length prefixes, or whole-sample encrypted when it is null.
    /// </summary>
    public static byte[] EncryptMedia(byte[] media, byte[] key, int? nalLengthSize)
    {
        var top = Mp4Boxes.Children(media, 0, media.Length);
        if (top.Count(box => box.Type == "moof") != 1)
        {
            throw new InvalidDataException("A media segment to encrypt holds exactly one moof.");
        }

        var moof = top.First(box => box.Type == "moof");
        var trafs = Mp4Boxes.Children(media, moof).Where(box => box.Type == "traf").ToList();
        if (trafs.Count != 1)
        {
            throw new InvalidDataException("A media segment to encrypt holds exactly one track fragment.");
        }

        var traf = trafs[0];
        var children = Mp4Boxes.Children(media, traf);
        var tfhd = children.FirstOrDefault(box => box.Type == "tfhd");
        var trun = children.FirstOrDefault(box => box.Type == "trun");
        if (tfhd.Type is null || trun.Type is null)
        {
            throw new InvalidDataException("A track fragment without tfhd or trun.");
        }

        var (dataOffsetAt, sizes) = ReadTrun(media, trun, DefaultSampleSize(media, tfhd));
        var output = (byte[])media.Clone();
        var position = moof.Offset + BinaryPrimitives.ReadInt32BigEndian(media.AsSpan(dataOffsetAt));
        var ivBase = RandomNumberGenerator.GetBytes(IvSize);
        var subsampled = nalLengthSize is not null;
        using var aes = Aes.Create();
        aes.Key = key;
        var senc = new MemoryStream();
        var infoSizes = new List<int>();
        Span<byte> field = stackalloc byte[6];
        for (var i = 0; i < sizes.Count; i++)
        {
            if (position + sizes[i] > media.Length)
            {
                throw new InvalidDataException($"Sample {i} runs past the end of the segment.");
            }

            var iv = SampleIv(ivBase, i);
            var ranges = nalLengthSize is { } lengthSize ? Subsamples(media.AsSpan(position, sizes[i]), lengthSize) : [(0, sizes[i])];
            Encrypt(aes, iv, output.AsSpan(position, sizes[i]), ranges);
            senc.Write(iv);
            if (subsampled)
            {
                BinaryPrimitives.WriteUInt16BigEndian(field, (ushort)ranges.Count);
                senc.Write(field[..2]);
                foreach (var (clearBytes, protectedBytes) in ranges)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(field, (ushort)clearBytes);
                    BinaryPrimitives.WriteUInt32BigEndian(field[2..], (uint)protectedBytes);
                    senc.Write(field);
                }

                infoSizes.Add(IvSize + 2 + (6 * ranges.Count));
            }
            else
            {
                infoSizes.Add(IvSize);
            }

            position += sizes[i];
        }

        var saizBody = new List<byte>();
        var uniform = infoSizes.Distinct().Count() == 1;
        saizBody.AddRange([0, 0, 0, 0, (byte)(uniform ? infoSizes[0] : 0), .. U32(sizes.Count)]);
        if (!uniform)
        {
            saizBody.AddRange(infoSizes.Select(size => (byte)size));
        }

        var saiz = Box("saiz", [.. saizBody]);
        byte[] sencBody = [0, 0, 0, (byte)(subsampled ? 2 : 0), .. U32(sizes.Count), .. senc.ToArray()];
        var sencBox = Box("senc", sencBody);
        // saio: where the first IV lies, from the moof's start (tfhd's default-base-is-moof).
        const int SaioSize = 20;
        var sencAt = traf.End - moof.Offset + saiz.Length + SaioSize;
        var saio = Box("saio", [0, 0, 0, 0, .. U32(1), .. U32(sencAt + 16)]);
        byte[] added = [.. saiz, .. saio, .. sencBox];
        var encrypted = Insert(output, [moof, traf], traf.End, added);
        var dataOffset = BinaryPrimitives.ReadInt32BigEndian(media.AsSpan(dataOffsetAt));
        BinaryPrimitives.WriteInt32BigEndian(encrypted.AsSpan(dataOffsetAt), dataOffset + added.Length);
        return encrypted;
    }

    /// <summary>
    /// (clear, protected) byte counts covering one H.264 sample: length prefixes, NAL headers and non-VCL units clear,
    /// each slice's tail encrypted in whole 16-byte blocks.
    /// </summary>
    public static List<(int Clear, int Protected)> Subsamples(ReadOnlySpan<byte> sample, int nalLengthSize)
    {
        var entries = new List<(int, int)>();
        var clear = 0;
        var at = 0;
        while (at < sample.Length)
        {
            if (sample.Length - at < nalLengthSize)
            {
                throw new InvalidDataException("A NAL unit length prefix is cut off.");
            }

            var length = 0;
            for (var b = 0; b < nalLengthSize; b++)
            {
                length = (length << 8) | sample[at + b];
            }

            if (length <= 0 || at + nalLengthSize + length > sample.Length)
            {
                throw new InvalidDataException($"A NAL unit of {length} bytes does not fit its sample.");
            }

            var type = sample[at + nalLengthSize] & 0x1F;
            var encrypted = type is >= 1 and <= 5 ? (length - 1) / 16 * 16 : 0;
            clear += nalLengthSize + length - encrypted;
            if (encrypted > 0)
            {
                for (; clear > ushort.MaxValue; clear -= ushort.MaxValue)
                {
                    entries.Add((ushort.MaxValue, 0));
                }

                entries.Add((clear, encrypted));
                clear = 0;
            }

            at += nalLengthSize + length;
        }

        for (; clear > 0; clear -= Math.Min(clear, ushort.MaxValue))
        {
            entries.Add((Math.Min(clear, ushort.MaxValue), 0));
        }

        return entries;
    }

    /// <summary>AES-CTR over the protected ranges of one sample as one keystream: IV (8 bytes) then a 64-bit block counter.</summary>
    public static void Encrypt(Aes aes, byte[] iv, Span<byte> sample, IReadOnlyList<(int Clear, int Protected)> ranges)
    {
        var total = ranges.Sum(range => range.Protected);
        if (total == 0)
        {
            return;
        }

        var blocks = (total + 15) / 16;
        var counters = new byte[blocks * 16];
        for (var block = 0; block < blocks; block++)
        {
            iv.CopyTo(counters, block * 16);
            BinaryPrimitives.WriteUInt64BigEndian(counters.AsSpan((block * 16) + 8), (ulong)block);
        }

        var keystream = aes.EncryptEcb(counters, PaddingMode.None);
        var used = 0;
        var at = 0;
        foreach (var (clear, encrypted) in ranges)
        {
            at += clear;
            Xor(sample.Slice(at, encrypted), keystream.AsSpan(used, encrypted));

            at += encrypted;
            used += encrypted;
        }
    }

    /// <summary><paramref name="target"/> ^= <paramref name="keystream"/>, a vector at a time (byte by byte was most of the packaging's CPU).</summary>
    private static void Xor(Span<byte> target, ReadOnlySpan<byte> keystream)
    {
        var i = 0;
        for (; i <= target.Length - Vector<byte>.Count; i += Vector<byte>.Count)
        {
            (new Vector<byte>(target[i..]) ^ new Vector<byte>(keystream[i..])).CopyTo(target[i..]);
        }

        for (; i < target.Length; i++)
        {
            target[i] ^= keystream[i];
        }
    }

    private static byte[] SampleIv(byte[] ivBase, int sample)
    {
        var iv = new byte[IvSize];
        BinaryPrimitives.WriteUInt64BigEndian(iv, BinaryPrimitives.ReadUInt64BigEndian(ivBase) + (ulong)sample);
        return iv;
    }

    private static int? DefaultSampleSize(byte[] media, Mp4Box tfhd)
    {
        var flags = BinaryPrimitives.ReadUInt32BigEndian(media.AsSpan(tfhd.PayloadOffset)) & 0xFFFFFF;
        // track_ID, then the optional fields in order: base offset (8), description index, duration, size (4 each).
        var at = tfhd.PayloadOffset + 8 + ((flags & 0x1) != 0 ? 8 : 0) + ((flags & 0x2) != 0 ? 4 : 0) + ((flags & 0x8) != 0 ? 4 : 0);
        if ((flags & 0x1) != 0)
        {
            throw new InvalidDataException("A track fragment with an explicit base data offset (expected default-base-is-moof).");
        }

        return (flags & 0x10) != 0 ? (int)BinaryPrimitives.ReadUInt32BigEndian(media.AsSpan(at)) : null;
    }

    private static (int DataOffsetAt, List<int> Sizes) ReadTrun(byte[] media, Mp4Box trun, int? defaultSize)
    {
        var flags = BinaryPrimitives.ReadUInt32BigEndian(media.AsSpan(trun.PayloadOffset)) & 0xFFFFFF;
        var count = (int)BinaryPrimitives.ReadUInt32BigEndian(media.AsSpan(trun.PayloadOffset + 4));
        if ((flags & 0x1) == 0)
        {
            throw new InvalidDataException("A trun without a data offset.");
        }

        var dataOffsetAt = trun.PayloadOffset + 8;
        var at = dataOffsetAt + 4 + ((flags & 0x4) != 0 ? 4 : 0);
        var fields = new[] { 0x100u, 0x200u, 0x400u, 0x800u }.Count(flag => (flags & flag) != 0);
        if (at + ((long)count * fields * 4) > trun.End || (defaultSize is null && (flags & 0x200) == 0))
        {
            throw new InvalidDataException("A trun whose samples do not fit it, or with no sample sizes.");
        }

        var sizes = new List<int>(count);
        for (var i = 0; i < count; i++)
        {
            var sampleAt = at + (i * fields * 4) + ((flags & 0x100) != 0 ? 4 : 0);
            sizes.Add((flags & 0x200) != 0 ? (int)BinaryPrimitives.ReadUInt32BigEndian(media.AsSpan(sampleAt)) : defaultSize!.Value);
        }

        return (dataOffsetAt, sizes);
    }

    /// <summary><paramref name="inserted"/> placed at <paramref name="at"/>, every enclosing box (32-bit sizes) grown to hold it.</summary>
    private static byte[] Insert(byte[] data, IEnumerable<Mp4Box> enclosing, int at, byte[] inserted)
    {
        var result = new byte[data.Length + inserted.Length];
        data.AsSpan(0, at).CopyTo(result);
        inserted.CopyTo(result, at);
        data.AsSpan(at).CopyTo(result.AsSpan(at + inserted.Length));
        foreach (var box in enclosing)
        {
            if (box.HeaderSize != 8)
            {
                throw new InvalidDataException($"Box '{box.Type}' has a 64-bit size.");
            }

            BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(box.Offset), (uint)(box.Size + inserted.Length));
        }

        return result;
    }

    private static byte[] Box(string type, params byte[][] children)
    {
        var payload = children.SelectMany(child => child).ToArray();
        return [.. U32(8 + payload.Length), .. System.Text.Encoding.ASCII.GetBytes(type), .. payload];
    }

    private static byte[] U32(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)value);
        return bytes;
    }
}
