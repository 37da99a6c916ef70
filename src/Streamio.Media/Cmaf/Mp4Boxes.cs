using System.Buffers.Binary;

namespace Streamio.Media.Cmaf;

/// <summary>One ISO BMFF box: its type and where it lies in the buffer (header included).</summary>
public readonly record struct Mp4Box(string Type, int Offset, int Size, int HeaderSize)
{
    public int End => Offset + Size;

    public int PayloadOffset => Offset + HeaderSize;
}

/// <summary>Walks ISO BMFF (MP4) boxes: only what splitting FFmpeg's fragmented output needs. Malformed input throws.</summary>
public static class Mp4Boxes
{
    /// <summary>The boxes laid end to end in [start, end).</summary>
    public static IReadOnlyList<Mp4Box> Children(ReadOnlySpan<byte> data, int start, int end)
    {
        var boxes = new List<Mp4Box>();
        var offset = start;
        while (offset < end)
        {
            if (end - offset < 8)
            {
                throw new InvalidDataException($"A truncated box header at byte {offset}.");
            }

            long size = BinaryPrimitives.ReadUInt32BigEndian(data[offset..]);
            var type = System.Text.Encoding.ASCII.GetString(data.Slice(offset + 4, 4));
            var header = 8;
            if (size == 1)
            {
                size = (long)BinaryPrimitives.ReadUInt64BigEndian(data[(offset + 8)..]);
                header = 16;
            }
            else if (size == 0)
            {
                size = end - offset;
            }

            if (size < header || offset + size > end)
            {
                throw new InvalidDataException($"Box '{type}' at byte {offset} claims {size} bytes; only {end - offset} are left.");
            }

            boxes.Add(new Mp4Box(type, offset, (int)size, header));
            offset += (int)size;
        }

        return boxes;
    }

    public static IReadOnlyList<Mp4Box> Children(ReadOnlySpan<byte> data, Mp4Box parent) => Children(data, parent.PayloadOffset, parent.End);

    /// <summary>The first box down a path of container types ("moof", "traf", "tfdt"), or null.</summary>
    public static Mp4Box? Find(ReadOnlySpan<byte> data, params string[] path)
    {
        Mp4Box? found = null;
        var (start, end) = (0, data.Length);
        foreach (var type in path)
        {
            found = null;
            foreach (var box in Children(data, start, end))
            {
                if (box.Type == type)
                {
                    found = box;
                    break;
                }
            }

            if (found is not { } box2)
            {
                return null;
            }

            (start, end) = (box2.PayloadOffset, box2.End);
        }

        return found;
    }
}
