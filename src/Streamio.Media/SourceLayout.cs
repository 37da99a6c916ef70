using System.Buffers.Binary;

namespace Streamio.Media;

/// <summary>Whether a source can be decoded from its first bytes on, before the rest has arrived.</summary>
public enum SourceReadability
{
    /// <summary>The head is too short to tell: read more and ask again.</summary>
    NeedMore,

    /// <summary>Decodable front to back: MP4 with its index (moov) before the media, fragmented MP4, Matroska/WebM, MPEG-TS.</summary>
    FromTheFront,

    /// <summary>An MP4 whose index follows the media: nothing can be decoded before the last byte.</summary>
    IndexAtTheEnd,

    /// <summary>Not a container recognised here: only the whole file is handed to the prober.</summary>
    Unknown,
}

/// <summary>What the first bytes of a source say about its layout.</summary>
/// <param name="Container">"mp4", "matroska" (also WebM), "mpegts", or null when unknown.</param>
/// <param name="BytesNeeded">With <see cref="SourceReadability.NeedMore"/>: the head length that settles it.</param>
public sealed record SourceLayout(SourceReadability Readability, string? Container, long BytesNeeded = 0)
{
    private const int TsPacket = 188;
    private const int M2tsPacket = 192;

    /// <summary>
    /// Reads only box and packet headers: MP4 top-level boxes in order until a <c>moov</c> or <c>moof</c> (front) or an
    /// <c>mdat</c> (index at the end) is met; the EBML magic; three MPEG-TS (or M2TS) sync bytes in a row.
    /// </summary>
    public static SourceLayout Detect(ReadOnlySpan<byte> head)
    {
        if (head.Length < 12)
        {
            return new SourceLayout(SourceReadability.NeedMore, null, 12);
        }
        if (head[..4].SequenceEqual<byte>([0x1A, 0x45, 0xDF, 0xA3]))
        {
            return new SourceLayout(SourceReadability.FromTheFront, "matroska");
        }
        if (IsTransportStream(head, TsPacket, 0) || IsTransportStream(head, M2tsPacket, 4))
        {
            return new SourceLayout(SourceReadability.FromTheFront, "mpegts");
        }
        const int transportHead = 4 + 2 * M2tsPacket + 1;
        if ((head[0] == 0x47 || head[4] == 0x47) && head.Length < transportHead)
        {
            return new SourceLayout(SourceReadability.NeedMore, null, transportHead);
        }
        return head.Slice(4, 4).SequenceEqual("ftyp"u8) ? WalkBoxes(head) : new SourceLayout(SourceReadability.Unknown, null);
    }

    private static SourceLayout WalkBoxes(ReadOnlySpan<byte> head)
    {
        long offset = 0;
        while (true)
        {
            if (offset + 16 > head.Length)
            {
                return new SourceLayout(SourceReadability.NeedMore, "mp4", offset + 16);
            }
            var box = head.Slice((int)offset, 16);
            var type = box.Slice(4, 4);
            if (type.SequenceEqual("moov"u8) || type.SequenceEqual("moof"u8))
            {
                return new SourceLayout(SourceReadability.FromTheFront, "mp4");
            }
            if (type.SequenceEqual("mdat"u8))
            {
                return new SourceLayout(SourceReadability.IndexAtTheEnd, "mp4");
            }
            long size = BinaryPrimitives.ReadUInt32BigEndian(box);
            if (size == 1)
            {
                size = (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(box[8..]), long.MaxValue);
            }
            // Size 0 ("to the end of the file") or a size shorter than its own header: nothing follows that we can find.
            if (size < 8)
            {
                return new SourceLayout(SourceReadability.Unknown, "mp4");
            }
            offset += size;
        }
    }

    private static bool IsTransportStream(ReadOnlySpan<byte> head, int packet, int syncAt)
    {
        const int packets = 3;
        if (head.Length < syncAt + (packets - 1) * packet + 1)
        {
            return false;
        }
        for (var i = 0; i < packets; i++)
        {
            if (head[syncAt + i * packet] != 0x47)
            {
                return false;
            }
        }
        return true;
    }
}
