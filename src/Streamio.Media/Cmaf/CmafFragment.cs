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

    private static int NextAfter(byte[] data, int at, ReadOnlySpan<byte> type)
    {
        var next = data.AsSpan(at + 1).IndexOf(type);
        return next < 0 ? -1 : at + 1 + next;
    }
}
