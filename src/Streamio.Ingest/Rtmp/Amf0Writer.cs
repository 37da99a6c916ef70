using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Streamio.Ingest.Rtmp;

/// <summary>Encodes .NET values as AMF0 (see <see cref="Amf0Marker"/> for the mapping); strings past 65535 bytes become long strings.</summary>
internal static class Amf0Writer
{
    public static byte[] Encode(params object?[] values)
    {
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var value in values)
        {
            Write(buffer, value);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static void Write(IBufferWriter<byte> output, object? value)
    {
        switch (value)
        {
            case null:
                WriteMarker(output, Amf0Marker.Null);
                break;
            case Amf0Undefined:
                WriteMarker(output, Amf0Marker.Undefined);
                break;
            case bool boolean:
                WriteMarker(output, Amf0Marker.Boolean);
                WriteByte(output, boolean ? (byte)1 : (byte)0);
                break;
            case double or float or int or uint or long:
                WriteMarker(output, Amf0Marker.Number);
                BinaryPrimitives.WriteDoubleBigEndian(output.GetSpan(8), Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
                output.Advance(8);
                break;
            case string text:
                WriteString(output, text);
                break;
            case Amf0Object properties:
                WriteMarker(output, Amf0Marker.Object);
                WriteProperties(output, properties);
                break;
            case Amf0EcmaArray properties:
                WriteMarker(output, Amf0Marker.EcmaArray);
                WriteUInt32(output, (uint)properties.Count);
                WriteProperties(output, properties);
                break;
            case Amf0StrictArray values:
                WriteMarker(output, Amf0Marker.StrictArray);
                WriteUInt32(output, (uint)values.Count);
                foreach (var item in values)
                {
                    Write(output, item);
                }

                break;
            case DateTimeOffset date:
                WriteMarker(output, Amf0Marker.Date);
                BinaryPrimitives.WriteDoubleBigEndian(output.GetSpan(8), date.ToUnixTimeMilliseconds());
                output.Advance(8);
                WriteUInt16(output, 0);
                break;
            default:
                throw new ArgumentException($"{value.GetType().Name} has no AMF0 encoding.", nameof(value));
        }
    }

    private static void WriteString(IBufferWriter<byte> output, string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        if (length <= ushort.MaxValue)
        {
            WriteMarker(output, Amf0Marker.String);
            WriteUtf8(output, text, length, 2);
        }
        else
        {
            WriteMarker(output, Amf0Marker.LongString);
            WriteUtf8(output, text, length, 4);
        }
    }

    private static void WriteProperties(IBufferWriter<byte> output, Amf0Properties properties)
    {
        foreach (var (name, value) in properties)
        {
            var length = Encoding.UTF8.GetByteCount(name);
            if (length is 0 or > ushort.MaxValue)
            {
                throw new ArgumentException($"An AMF0 property name must be 1 to 65535 bytes, not {length}.", nameof(properties));
            }

            WriteUtf8(output, name, length, 2);
            Write(output, value);
        }

        // The end of an object: an empty name, then the object end marker.
        WriteUInt16(output, 0);
        WriteMarker(output, Amf0Marker.ObjectEnd);
    }

    private static void WriteUtf8(IBufferWriter<byte> output, string text, int length, int prefixBytes)
    {
        if (prefixBytes == 2)
        {
            WriteUInt16(output, (ushort)length);
        }
        else
        {
            WriteUInt32(output, (uint)length);
        }

        Encoding.UTF8.GetBytes(text, output.GetSpan(length));
        output.Advance(length);
    }

    private static void WriteMarker(IBufferWriter<byte> output, Amf0Marker marker) => WriteByte(output, (byte)marker);

    private static void WriteByte(IBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    private static void WriteUInt16(IBufferWriter<byte> output, ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(output.GetSpan(2), value);
        output.Advance(2);
    }

    private static void WriteUInt32(IBufferWriter<byte> output, uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(output.GetSpan(4), value);
        output.Advance(4);
    }
}
