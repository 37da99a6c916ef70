namespace Streamio.Media.Cmaf;

/// <summary>What an MP4 track needs of an H.264 stream's sequence parameter set (ITU-T H.264 7.3.2.1.1 and E.1.1).</summary>
public sealed record H264Sps(byte Profile, byte Compatibility, byte Level, int ChromaFormat, int BitDepthLuma, int BitDepthChroma,
    int Width, int Height, int SarWidth, int SarHeight, long? TicksPerFrame90k)
{
    /// <summary>High profiles, whose avcC ends with the chroma format and bit depths.</summary>
    public bool HasAvcCExtension => Profile is 100 or 110 or 122 or 144;
}

/// <summary>
/// H.264 as MPEG-TS carries it (Annex B: start codes) turned into MP4 samples (4-byte length prefixes), and the parts
/// of the SPS an avcC and a sample entry name. Every NAL unit is kept, as FFmpeg's MP4 muxer keeps them.
/// </summary>
public static class H264Access
{
    public const int NalLengthSize = 4;
    public const int SpsType = 7;
    public const int PpsType = 8;
    public const int IdrType = 5;

    private static ReadOnlySpan<byte> StartCode => [0, 0, 1];

    /// <summary>The NAL units of one Annex B access unit, without start codes or trailing zero bytes.</summary>
    public static List<ArraySegment<byte>> NalUnits(byte[] annexB)
    {
        var units = new List<ArraySegment<byte>>();
        var start = -1;
        var at = 0;
        // IndexOf is vectorised: a byte-by-byte scan was most of the remux's time on a 1080p segment.
        for (var found = annexB.AsSpan().IndexOf(StartCode); found >= 0; found = annexB.AsSpan(at).IndexOf(StartCode))
        {
            found += at;
            if (start >= 0)
            {
                AddTrimmed(units, annexB, start, found);
            }

            at = found + StartCode.Length;
            start = at;
        }

        if (start < 0)
        {
            throw new InvalidDataException("An H.264 access unit without a start code.");
        }

        AddTrimmed(units, annexB, start, annexB.Length);
        return units;
    }

    private static void AddTrimmed(List<ArraySegment<byte>> units, byte[] data, int start, int end)
    {
        // A NAL unit never ends in a zero byte: zeros before a start code are trailing_zero_8bits (or its 4-byte form).
        while (end > start && data[end - 1] == 0)
        {
            end--;
        }

        if (end > start)
        {
            units.Add(new ArraySegment<byte>(data, start, end - start));
        }
    }

    /// <summary>The access unit as one MP4 sample: each NAL unit behind its 4-byte length.</summary>
    public static byte[] ToSample(IReadOnlyList<ArraySegment<byte>> units)
    {
        var sample = new byte[units.Sum(unit => NalLengthSize + unit.Count)];
        var at = 0;
        foreach (var unit in units)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(sample.AsSpan(at), unit.Count);
            unit.AsSpan().CopyTo(sample.AsSpan(at + NalLengthSize));
            at += NalLengthSize + unit.Count;
        }

        return sample;
    }

    public static int TypeOf(ArraySegment<byte> unit) => unit[0] & 0x1F;

    /// <summary>The frame size an MPEG-TS segment's first SPS gives; a segment without H.264 or an SPS throws <see cref="InvalidDataException"/>.</summary>
    public static (int Width, int Height) FrameSizeOfSegment(ReadOnlySpan<byte> ts)
    {
        var stream = TransportStream.ReadSingleStream(ts);
        var sps = stream.StreamType == ElementaryStream.H264
            ? stream.Packets.SelectMany(packet => NalUnits(packet.Payload)).FirstOrDefault(unit => TypeOf(unit) == SpsType)
            : default;
        if (sps.Array is null)
        {
            throw new InvalidDataException("The segment carries no H.264 sequence parameter set.");
        }
        var parameters = ParseSps(sps);
        return (parameters.Width, parameters.Height);
    }

    /// <summary>Reads an SPS NAL unit (header byte included); a malformed one throws <see cref="InvalidDataException"/>.</summary>
    public static H264Sps ParseSps(ReadOnlySpan<byte> nal)
    {
        if (nal.Length < 5 || (nal[0] & 0x1F) != SpsType)
        {
            throw new InvalidDataException("Not an H.264 sequence parameter set.");
        }

        var bits = new BitReader(Unescape(nal[1..]));
        var profile = (byte)bits.Bits(8);
        var compatibility = (byte)bits.Bits(8);
        var level = (byte)bits.Bits(8);
        bits.Ue();
        var (chroma, depthLuma, depthChroma) = (1, 8, 8);
        if (profile is 100 or 110 or 122 or 244 or 44 or 83 or 86 or 118 or 128 or 138 or 139 or 134 or 135)
        {
            chroma = bits.Ue();
            if (chroma == 3)
            {
                bits.Bits(1);
            }

            depthLuma = 8 + bits.Ue();
            depthChroma = 8 + bits.Ue();
            bits.Bits(1);
            if (bits.Bits(1) == 1)
            {
                for (var list = 0; list < (chroma == 3 ? 12 : 8); list++)
                {
                    if (bits.Bits(1) == 1)
                    {
                        SkipScalingList(bits, list < 6 ? 16 : 64);
                    }
                }
            }
        }

        bits.Ue();
        var pocType = bits.Ue();
        if (pocType == 0)
        {
            bits.Ue();
        }
        else if (pocType == 1)
        {
            bits.Bits(1);
            bits.Se();
            bits.Se();
            for (var cycle = bits.Ue(); cycle > 0; cycle--)
            {
                bits.Se();
            }
        }

        bits.Ue();
        bits.Bits(1);
        var widthInMbs = bits.Ue() + 1;
        var heightInMapUnits = bits.Ue() + 1;
        var frameMbsOnly = bits.Bits(1);
        if (frameMbsOnly == 0)
        {
            bits.Bits(1);
        }

        bits.Bits(1);
        var (cropLeft, cropRight, cropTop, cropBottom) = (0, 0, 0, 0);
        if (bits.Bits(1) == 1)
        {
            (cropLeft, cropRight, cropTop, cropBottom) = (bits.Ue(), bits.Ue(), bits.Ue(), bits.Ue());
        }

        var cropUnitX = chroma is 1 or 2 ? 2 : 1;
        var cropUnitY = (chroma == 1 ? 2 : 1) * (2 - frameMbsOnly);
        var width = (widthInMbs * 16) - (cropUnitX * (cropLeft + cropRight));
        var height = ((2 - frameMbsOnly) * heightInMapUnits * 16) - (cropUnitY * (cropTop + cropBottom));
        var (sarWidth, sarHeight, ticks) = ReadVui(bits);
        return new H264Sps(profile, compatibility, level, chroma, depthLuma, depthChroma, width, height, sarWidth, sarHeight, ticks);
    }

    private static readonly (int, int)[] AspectRatios =
        [(0, 0), (1, 1), (12, 11), (10, 11), (16, 11), (40, 33), (24, 11), (20, 11), (32, 11), (80, 33), (18, 11), (15, 11), (64, 33), (160, 99), (4, 3), (3, 2), (2, 1)];

    /// <summary>The sample aspect ratio and, when the VUI times frames, one frame's length at 90 kHz.</summary>
    private static (int SarWidth, int SarHeight, long? Ticks) ReadVui(BitReader bits)
    {
        if (!bits.HasMore || bits.Bits(1) == 0)
        {
            return (1, 1, null);
        }

        var (sarWidth, sarHeight) = (1, 1);
        if (bits.Bits(1) == 1)
        {
            var ratio = bits.Bits(8);
            (sarWidth, sarHeight) = ratio == 255 ? (bits.Bits(16), bits.Bits(16)) : ratio < AspectRatios.Length && ratio > 0 ? AspectRatios[ratio] : (1, 1);
        }

        if (bits.Bits(1) == 1)
        {
            bits.Bits(1);
        }

        if (bits.Bits(1) == 1)
        {
            bits.Bits(4);
            if (bits.Bits(1) == 1)
            {
                bits.Bits(24);
            }
        }

        if (bits.Bits(1) == 1)
        {
            bits.Ue();
            bits.Ue();
        }

        if (bits.Bits(1) == 0)
        {
            return (sarWidth, sarHeight, null);
        }

        var unitsInTick = ((long)bits.Bits(16) << 16) | (uint)bits.Bits(16);
        var timeScale = ((long)bits.Bits(16) << 16) | (uint)bits.Bits(16);
        // Two ticks a frame (field-based timing, H.264 E.2.1).
        return (sarWidth, sarHeight, timeScale > 0 && unitsInTick > 0 ? (long)Math.Round(90000.0 * 2 * unitsInTick / timeScale) : null);
    }

    private static void SkipScalingList(BitReader bits, int size)
    {
        var (last, next) = (8, 8);
        for (var j = 0; j < size; j++)
        {
            if (next != 0)
            {
                next = (last + bits.Se() + 256) % 256;
            }

            last = next == 0 ? last : next;
        }
    }

    /// <summary>The RBSP: emulation prevention bytes (the 03 of 00 00 03) removed.</summary>
    private static byte[] Unescape(ReadOnlySpan<byte> payload)
    {
        var rbsp = new List<byte>(payload.Length);
        var zeros = 0;
        foreach (var value in payload)
        {
            if (zeros >= 2 && value == 3)
            {
                zeros = 0;
                continue;
            }

            zeros = value == 0 ? zeros + 1 : 0;
            rbsp.Add(value);
        }

        return [.. rbsp];
    }

    private sealed class BitReader(byte[] data)
    {
        private int _bit;

        public bool HasMore => _bit < data.Length * 8;

        public int Bits(int count)
        {
            var value = 0;
            for (var i = 0; i < count; i++, _bit++)
            {
                if (_bit >= data.Length * 8)
                {
                    throw new InvalidDataException("The H.264 sequence parameter set ends early.");
                }

                value = (value << 1) | ((data[_bit >> 3] >> (7 - (_bit & 7))) & 1);
            }

            return value;
        }

        /// <summary>Unsigned Exp-Golomb.</summary>
        public int Ue()
        {
            var zeros = 0;
            while (Bits(1) == 0)
            {
                if (++zeros > 30)
                {
                    throw new InvalidDataException("An Exp-Golomb code longer than 32 bits in the sequence parameter set.");
                }
            }

            return (int)((1L << zeros) - 1 + Bits(zeros));
        }

        /// <summary>Signed Exp-Golomb.</summary>
        public int Se()
        {
            var code = Ue();
            return (code & 1) == 1 ? (code + 1) / 2 : -(code / 2);
        }
    }
}
