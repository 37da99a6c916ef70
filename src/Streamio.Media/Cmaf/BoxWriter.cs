using System.Buffers.Binary;
using System.Text;

namespace Streamio.Media.Cmaf;

/// <summary>Writes ISO BMFF boxes: big-endian fields, and boxes opened and closed around their children (32-bit sizes).</summary>
public sealed class BoxWriter
{
    private readonly MemoryStream _buffer = new();
    private readonly Stack<long> _open = new();

    public long Position => _buffer.Position;

    /// <summary>Opens a box; its size is written when <see cref="End"/> closes it.</summary>
    public BoxWriter Start(string type)
    {
        _open.Push(_buffer.Position);
        U32(0);
        _buffer.Write(Encoding.ASCII.GetBytes(type));
        return this;
    }

    /// <summary>Opens a full box: its version and 24-bit flags follow the type.</summary>
    public BoxWriter StartFull(string type, byte version, int flags) => Start(type).U32((version << 24) | (flags & 0xFFFFFF));

    public BoxWriter End()
    {
        var start = _open.Pop();
        var end = _buffer.Position;
        _buffer.Position = start;
        U32((int)(end - start));
        _buffer.Position = end;
        return this;
    }

    public BoxWriter U8(int value)
    {
        _buffer.WriteByte((byte)value);
        return this;
    }

    public BoxWriter U16(int value)
    {
        Span<byte> field = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(field, (ushort)value);
        _buffer.Write(field);
        return this;
    }

    public BoxWriter U32(int value)
    {
        Span<byte> field = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(field, value);
        _buffer.Write(field);
        return this;
    }

    public BoxWriter U64(long value)
    {
        Span<byte> field = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(field, value);
        _buffer.Write(field);
        return this;
    }

    public BoxWriter Zeros(int count)
    {
        _buffer.Write(new byte[count]);
        return this;
    }

    public BoxWriter Bytes(ReadOnlySpan<byte> bytes)
    {
        _buffer.Write(bytes);
        return this;
    }

    public BoxWriter Ascii(string text) => Bytes(Encoding.ASCII.GetBytes(text));

    /// <summary>The unity transformation matrix of mvhd and tkhd.</summary>
    public BoxWriter UnityMatrix() => U32(0x00010000).U32(0).U32(0).U32(0).U32(0x00010000).U32(0).U32(0).U32(0).U32(0x40000000);

    /// <summary>Overwrites a 32-bit field written earlier (a trun's data offset, known once the moof is whole).</summary>
    public void Patch(long at, int value)
    {
        var end = _buffer.Position;
        _buffer.Position = at;
        U32(value);
        _buffer.Position = end;
    }

    public byte[] ToArray() => _open.Count == 0 ? _buffer.ToArray() : throw new InvalidOperationException("A box is still open.");
}
