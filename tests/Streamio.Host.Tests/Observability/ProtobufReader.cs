using System.Buffers.Binary;
using System.Text;

namespace Streamio.Host.Tests.Observability;

/// <summary>
/// The protobuf wire format, just enough to read OTLP: a message is a run of (field number, wire type) tags, each
/// followed by a varint, a fixed 64- or 32-bit value, or a length-delimited run of bytes (strings, bytes, nested
/// messages, packed repeats). Unknown fields are skipped, as protobuf requires.
/// </summary>
public ref struct ProtobufReader(ReadOnlySpan<byte> message)
{
    private readonly ReadOnlySpan<byte> _message = message;
    private int _position;

    public enum WireType
    {
        Varint = 0,
        Fixed64 = 1,
        LengthDelimited = 2,
        Fixed32 = 5,
    }

    /// <summary>Moves to the next field; false at the end of the message.</summary>
    public bool Next(out int field, out WireType type)
    {
        if (_position >= _message.Length)
        {
            field = 0;
            type = default;
            return false;
        }
        var tag = ReadVarint();
        field = (int)(tag >> 3);
        type = (WireType)(tag & 7);
        return true;
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = _message[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
        throw new FormatException("A varint longer than 10 bytes.");
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        var length = checked((int)ReadVarint());
        var bytes = _message.Slice(_position, length);
        _position += length;
        return bytes;
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes());

    public ulong ReadFixed64()
    {
        var value = BinaryPrimitives.ReadUInt64LittleEndian(_message.Slice(_position, 8));
        _position += 8;
        return value;
    }

    public double ReadDouble() => BitConverter.UInt64BitsToDouble(ReadFixed64());

    public void Skip(WireType type)
    {
        switch (type)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                _position += 8;
                break;
            case WireType.LengthDelimited:
                ReadBytes();
                break;
            case WireType.Fixed32:
                _position += 4;
                break;
            default:
                throw new FormatException($"Wire type {(int)type} is not used by proto3.");
        }
    }
}
