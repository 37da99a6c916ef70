using System.Buffers.Binary;
using System.Text;

namespace Streamio.Ingest.Rtmp;

/// <summary>Decodes AMF0 values (see <see cref="Amf0Marker"/> for the mapping) from a byte span, front to back.</summary>
internal ref struct Amf0Reader(ReadOnlySpan<byte> data)
{
    // Nesting deeper than any real command or metadata needs is an attack on the stack, not a message.
    private const int MaxDepth = 32;

    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly bool End => _position >= _data.Length;

    /// <summary>Bytes read so far.</summary>
    public readonly int Position => _position;

    /// <summary>Every value up to the end of the data.</summary>
    public static List<object?> ReadAll(ReadOnlySpan<byte> data)
    {
        var reader = new Amf0Reader(data);
        var values = new List<object?>();
        while (!reader.End)
        {
            values.Add(reader.ReadValue());
        }

        return values;
    }

    public object? ReadValue() => ReadValue(0);

    private object? ReadValue(int depth)
    {
        if (depth > MaxDepth)
        {
            throw new RtmpProtocolException($"AMF0 values nested deeper than {MaxDepth}.");
        }

        var marker = (Amf0Marker)Take(1)[0];
        return marker switch
        {
            Amf0Marker.Number => BinaryPrimitives.ReadDoubleBigEndian(Take(8)),
            Amf0Marker.Boolean => Take(1)[0] != 0,
            Amf0Marker.String => ReadUtf8(BinaryPrimitives.ReadUInt16BigEndian(Take(2))),
            Amf0Marker.LongString => ReadUtf8(BinaryPrimitives.ReadUInt32BigEndian(Take(4))),
            Amf0Marker.Object => ReadProperties(new Amf0Object(), depth),
            Amf0Marker.EcmaArray => ReadEcmaArray(depth),
            Amf0Marker.StrictArray => ReadStrictArray(depth),
            Amf0Marker.Null => null,
            Amf0Marker.Undefined => Amf0Undefined.Value,
            Amf0Marker.Date => ReadDate(),
            Amf0Marker.ObjectEnd => throw new RtmpProtocolException($"AMF0 object end marker outside an object at byte {_position - 1}."),
            _ => throw new RtmpProtocolException($"AMF0 marker 0x{(byte)marker:x2} at byte {_position - 1} is not supported."),
        };
    }

    private Amf0EcmaArray ReadEcmaArray(int depth)
    {
        // The count is only a hint (encoders get it wrong); the object end marker is what ends the array.
        Take(4);
        return ReadProperties(new Amf0EcmaArray(), depth);
    }

    private T ReadProperties<T>(T properties, int depth)
        where T : Amf0Properties
    {
        while (true)
        {
            var name = ReadUtf8(BinaryPrimitives.ReadUInt16BigEndian(Take(2)));
            if (name.Length == 0 && _position < _data.Length && _data[_position] == (byte)Amf0Marker.ObjectEnd)
            {
                _position++;
                return properties;
            }

            properties.Add(name, ReadValue(depth + 1));
        }
    }

    private Amf0StrictArray ReadStrictArray(int depth)
    {
        var count = BinaryPrimitives.ReadUInt32BigEndian(Take(4));
        // Every value takes at least one byte: a count beyond the data left is a lie, not a reason to allocate.
        if (count > _data.Length - _position)
        {
            throw new RtmpProtocolException($"AMF0 strict array of {count} values in {_data.Length - _position} bytes.");
        }

        var values = new Amf0StrictArray();
        for (var i = 0; i < count; i++)
        {
            values.Add(ReadValue(depth + 1));
        }

        return values;
    }

    private DateTimeOffset ReadDate()
    {
        var milliseconds = BinaryPrimitives.ReadDoubleBigEndian(Take(8));
        Take(2); // time zone: reserved, always 0 on the wire
        return double.IsFinite(milliseconds) && Math.Abs(milliseconds) < 8.64e15
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)milliseconds)
            : throw new RtmpProtocolException($"AMF0 date {milliseconds} is out of range.");
    }

    private string ReadUtf8(uint length) => Encoding.UTF8.GetString(Take(length));

    private ReadOnlySpan<byte> Take(uint count)
    {
        if (count > (uint)(_data.Length - _position))
        {
            throw new RtmpProtocolException($"AMF0 data ends at byte {_data.Length}; {count} more bytes were expected at byte {_position}.");
        }

        var span = _data.Slice(_position, (int)count);
        _position += (int)count;
        return span;
    }
}
