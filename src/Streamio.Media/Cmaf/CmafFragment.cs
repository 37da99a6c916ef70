using System.Buffers.Binary;

namespace Streamio.Media.Cmaf;

/// <summary>
/// One CMAF segment cut from a fragmented MP4 file: the init segment (ftyp + moov), the media segment (its moof + mdat
/// pairs) and the facts a manifest needs: the track's timescale, the first sample's decode time (tfdt) and the KID of
/// its tenc box (null when the track is not encrypted).
/// </summary>
public sealed record CmafParts(byte[] Init, byte[] Media, int Timescale, long DecodeTime, byte[]? KeyId);

public static class CmafFragment
{
    /// <summary>
    /// Splits FFmpeg's fragmented MP4 (ftyp, moov, then moof/mdat pairs, maybe an mfra index, which is dropped). The
    /// moof sequence numbers become <paramref name="sequenceNumber"/> onwards, so segments cut from separate runs still
    /// count up. Anything else (no moov, no fragment, one track expected) throws <see cref="InvalidDataException"/>.
    /// </summary>
    public static CmafParts Split(byte[] file, int sequenceNumber)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequenceNumber);
        var top = Mp4Boxes.Children(file, 0, file.Length);
        var moov = top.FirstOrDefault(box => box.Type == "moov");
        if (top.Count == 0 || top[0].Type != "ftyp" || moov.Type is null)
        {
            throw new InvalidDataException("A fragmented MP4 starts with ftyp and moov.");
        }

        var fragments = top.Where(box => box.Type is "moof" or "mdat").ToList();
        if (fragments.Count == 0 || fragments[0].Type != "moof" || fragments[^1].Type != "mdat" || fragments[0].Offset < moov.End)
        {
            throw new InvalidDataException("The MP4 holds no fragment (moof and mdat) after its moov.");
        }

        var init = file[..moov.End];
        var media = file[fragments[0].Offset..fragments[^1].End];
        var sequence = sequenceNumber;
        foreach (var moof in Mp4Boxes.Children(media, 0, media.Length).Where(box => box.Type == "moof"))
        {
            var mfhd = Mp4Boxes.Children(media, moof).FirstOrDefault(box => box.Type == "mfhd");
            if (mfhd.Type is null)
            {
                throw new InvalidDataException("A moof without mfhd.");
            }

            BinaryPrimitives.WriteUInt32BigEndian(media.AsSpan(mfhd.PayloadOffset + 4), (uint)sequence++);
        }

        return new CmafParts(init, media, Timescale(init), DecodeTime(media), KeyId(init));
    }

    /// <summary>The media timescale of the init's (first) track: ticks per second of every time in its fragments.</summary>
    public static int Timescale(byte[] init)
    {
        var mdhd = Mp4Boxes.Find(init, "moov", "trak", "mdia", "mdhd") ?? throw new InvalidDataException("The init segment has no mdhd.");
        var version = init[mdhd.PayloadOffset];
        return (int)BinaryPrimitives.ReadUInt32BigEndian(init.AsSpan(mdhd.PayloadOffset + (version == 1 ? 20 : 12)));
    }

    /// <summary>The first fragment's baseMediaDecodeTime, in the track's timescale.</summary>
    public static long DecodeTime(byte[] media)
    {
        var tfdt = Mp4Boxes.Find(media, "moof", "traf", "tfdt") ?? throw new InvalidDataException("The fragment has no tfdt.");
        var at = tfdt.PayloadOffset + 4;
        return media[tfdt.PayloadOffset] == 1
            ? (long)BinaryPrimitives.ReadUInt64BigEndian(media.AsSpan(at))
            : BinaryPrimitives.ReadUInt32BigEndian(media.AsSpan(at));
    }

    /// <summary>The default KID of the init's tenc box (inside the sample entry's sinf/schi), or null when none.</summary>
    public static byte[]? KeyId(byte[] init)
    {
        // tenc sits under a sample entry, whose fields before its child boxes depend on the codec: find it by its type.
        var type = "tenc"u8;
        for (var at = init.AsSpan().IndexOf(type); at >= 4; at = NextAfter(init, at, type))
        {
            var size = BinaryPrimitives.ReadUInt32BigEndian(init.AsSpan(at - 4));
            // Full box header (4), reserved (2), isProtected (1), IV size (1), then the 16-byte KID.
            if (size >= 32 && at - 4 + size <= init.Length)
            {
                return init.AsSpan(at + 4 + 8, CencKey.Size).ToArray();
            }
        }

        return null;
    }

    /// <summary>
    /// What a decoder is set up with: H.264's profile, level, SPS and PPS from avcC or AAC's object type and
    /// AudioSpecificConfig (not the rest of esds: FFmpeg writes each fragment's bitrates there), and the timescale, as a
    /// hex SHA-256. Inits with equal fingerprints describe each other's segments; null when the init has neither box.
    /// </summary>
    public static string? CodecConfig(byte[] init)
    {
        var config = Box(init, "avcC"u8) is { } avcC ? VideoConfig(avcC) : Box(init, "esds"u8) is { } esds ? AudioConfig(esds) : null;
        if (config is null)
        {
            return null;
        }

        var timescale = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(timescale, Timescale(init));
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData([.. config, .. timescale]));
    }

    /// <summary>The first box of <paramref name="type"/> anywhere in <paramref name="data"/> (header included), or null.</summary>
    private static byte[]? Box(byte[] data, ReadOnlySpan<byte> type)
    {
        var at = data.AsSpan().IndexOf(type);
        if (at < 4)
        {
            return null;
        }

        var size = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(at - 4));
        return size >= 8 && at - 4 + size <= data.Length ? data[(at - 4)..(at - 4 + (int)size)] : null;
    }

    /// <summary>
    /// avcC's profile, compatibility and level, then each parameter set without trailing zero bytes (FFmpeg keeps the
    /// zero byte before the next start code in some segments' copies and not in others: the same PPS either way).
    /// </summary>
    private static byte[] VideoConfig(byte[] avcC)
    {
        var config = new List<byte>(avcC.AsSpan(9, 3).ToArray());
        var at = 13;
        for (var list = 0; list < 2; list++)
        {
            var count = list == 0 ? avcC[at++] & 0x1F : avcC[at++];
            for (var i = 0; i < count; i++)
            {
                int length = BinaryPrimitives.ReadUInt16BigEndian(avcC.AsSpan(at));
                var set = avcC.AsSpan(at + 2, length);
                config.AddRange(set.TrimEnd((byte)0));
                config.Add(0xFF);
                at += 2 + length;
            }
        }

        return [.. config];
    }

    /// <summary>
    /// An esds box's object type and DecoderSpecificInfo (ISO/IEC 14496-1 descriptors: ES_Descriptor 0x03 holding
    /// DecoderConfigDescriptor 0x04, whose 13 fixed bytes are followed by DecoderSpecificInfo 0x05).
    /// </summary>
    private static byte[] AudioConfig(byte[] esds)
    {
        var at = 12;
        int Descriptor(byte tag)
        {
            if (at >= esds.Length || esds[at++] != tag)
            {
                throw new InvalidDataException($"The esds box has no descriptor {tag:x2} where expected.");
            }

            var length = 0;
            for (var i = 0; i < 4 && at < esds.Length; i++)
            {
                var b = esds[at++];
                length = (length << 7) | (b & 0x7F);
                if ((b & 0x80) == 0)
                {
                    break;
                }
            }

            return length;
        }

        Descriptor(0x03);
        // ES_ID, then flags: a dependency's id, a URL, an OCR stream id, in that order, each when flagged.
        var flags = esds[at + 2];
        at += 3 + ((flags & 0x80) != 0 ? 2 : 0);
        if ((flags & 0x40) != 0)
        {
            at += 1 + esds[at];
        }

        at += (flags & 0x20) != 0 ? 2 : 0;

        Descriptor(0x04);
        var objectType = esds[at];
        at += 13;
        var length = Descriptor(0x05);
        return at + length <= esds.Length ? [objectType, .. esds.AsSpan(at, length)] : throw new InvalidDataException("The esds box is truncated.");
    }

    private static int NextAfter(byte[] data, int at, ReadOnlySpan<byte> type)
    {
        var next = data.AsSpan(at + 1).IndexOf(type);
        return next < 0 ? -1 : at + 1 + next;
    }
}
