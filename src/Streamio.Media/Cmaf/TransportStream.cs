namespace Streamio.Media.Cmaf;

/// <summary>One PES packet of an elementary stream: its 90 kHz times (DTS absent when it equals PTS) and its payload.</summary>
public sealed record PesPacket(long Pts, long Dts, byte[] Payload);

/// <summary>The one elementary stream of a transport stream: its PMT stream type and its PES packets in order.</summary>
public sealed record ElementaryStream(byte StreamType, IReadOnlyList<PesPacket> Packets)
{
    public const byte H264 = 0x1B;
    public const byte AdtsAac = 0x0F;
}

/// <summary>
/// Reads the MPEG-TS segments FFmpeg writes for one rendition (ISO/IEC 13818-1): the PAT names the PMT, the PMT the
/// stream, and the stream's PES packets are put back together. Only what a one-track H.264 or AAC segment holds.
/// </summary>
public static class TransportStream
{
    public const int PacketSize = 188;
    private const byte SyncByte = 0x47;

    /// <summary>The segment's single H.264 or AAC stream; anything else (no such stream, two of them, a broken packet) throws <see cref="InvalidDataException"/>.</summary>
    public static ElementaryStream ReadSingleStream(ReadOnlySpan<byte> ts)
    {
        if (ts.Length == 0 || ts.Length % PacketSize != 0)
        {
            throw new InvalidDataException($"{ts.Length} bytes are not whole 188-byte transport stream packets.");
        }

        int? pmtPid = null;
        (int Pid, byte Type)? stream = null;
        var packets = new List<PesPacket>();
        PesBuilder? current = null;
        for (var offset = 0; offset < ts.Length; offset += PacketSize)
        {
            var packet = ts.Slice(offset, PacketSize);
            if (packet[0] != SyncByte)
            {
                throw new InvalidDataException($"Transport stream packet {offset / PacketSize} does not start with the sync byte.");
            }

            var unitStart = (packet[1] & 0x40) != 0;
            var pid = ((packet[1] & 0x1F) << 8) | packet[2];
            var adaptation = (packet[3] >> 4) & 3;
            if (adaptation is 0 or 2)
            {
                continue;
            }

            var payloadAt = adaptation == 3 ? 5 + packet[4] : 4;
            if (payloadAt > PacketSize)
            {
                throw new InvalidDataException($"Transport stream packet {offset / PacketSize} has an adaptation field longer than the packet.");
            }

            var payload = packet[payloadAt..];
            if (pid == 0 && unitStart && pmtPid is null)
            {
                pmtPid = ReadPat(payload);
            }
            else if (pid == pmtPid && unitStart && stream is null)
            {
                stream = ReadPmt(payload);
            }
            else if (stream is { } found && pid == found.Pid)
            {
                if (unitStart)
                {
                    current?.AddTo(packets);
                    current = PesBuilder.Start(payload);
                }
                else
                {
                    current?.Append(payload);
                }
            }
        }

        current?.AddTo(packets);
        if (stream is null)
        {
            throw new InvalidDataException("The transport stream holds no H.264 or AAC stream (no PAT, no PMT, or neither codec in it).");
        }

        return packets.Count == 0
            ? throw new InvalidDataException("The transport stream's stream has no packet.")
            : new ElementaryStream(stream.Value.Type, packets);
    }

    private static ReadOnlySpan<byte> Section(ReadOnlySpan<byte> payload, byte tableId)
    {
        var at = 1 + payload[0];
        if (at + 3 > payload.Length || payload[at] != tableId)
        {
            throw new InvalidDataException($"A program table (id {tableId}) that does not start where its pointer says.");
        }

        var length = ((payload[at + 1] & 0x0F) << 8) | payload[at + 2];
        if (length < 9 || at + 3 + length > payload.Length)
        {
            throw new InvalidDataException($"A program table (id {tableId}) longer than its packet.");
        }

        // Without its 4-byte CRC.
        return payload.Slice(at, 3 + length - 4);
    }

    private static int ReadPat(ReadOnlySpan<byte> payload)
    {
        var pat = Section(payload, 0);
        for (var at = 8; at + 4 <= pat.Length; at += 4)
        {
            var program = (pat[at] << 8) | pat[at + 1];
            if (program != 0)
            {
                return ((pat[at + 2] & 0x1F) << 8) | pat[at + 3];
            }
        }

        throw new InvalidDataException("The PAT names no program.");
    }

    private static (int Pid, byte Type) ReadPmt(ReadOnlySpan<byte> payload)
    {
        var pmt = Section(payload, 2);
        var at = 12 + (((pmt[10] & 0x0F) << 8) | pmt[11]);
        (int, byte)? found = null;
        while (at + 5 <= pmt.Length)
        {
            var type = pmt[at];
            var pid = ((pmt[at + 1] & 0x1F) << 8) | pmt[at + 2];
            if (type is ElementaryStream.H264 or ElementaryStream.AdtsAac)
            {
                if (found is not null)
                {
                    throw new InvalidDataException("The transport stream holds more than one audio or video stream; a CMAF track holds one.");
                }

                found = (pid, type);
            }

            at += 5 + (((pmt[at + 3] & 0x0F) << 8) | pmt[at + 4]);
        }

        return found ?? throw new InvalidDataException("The PMT lists no H.264 or AAC stream.");
    }

    /// <summary>A PES packet being put back together from the payloads of its transport packets.</summary>
    private sealed class PesBuilder(long pts, long dts)
    {
        private readonly MemoryStream _payload = new();

        public static PesBuilder Start(ReadOnlySpan<byte> payload)
        {
            if (payload.Length < 9 || payload[0] != 0 || payload[1] != 0 || payload[2] != 1)
            {
                throw new InvalidDataException("A PES packet without its start code.");
            }

            var timeFlags = payload[7] >> 6;
            var headerEnd = 9 + payload[8];
            if ((timeFlags & 2) == 0 || headerEnd > payload.Length)
            {
                throw new InvalidDataException("A PES packet without a presentation time, or with a header longer than its packet.");
            }

            var pts = Timestamp(payload[9..]);
            var builder = new PesBuilder(pts, timeFlags == 3 ? Timestamp(payload[14..]) : pts);
            builder.Append(payload[headerEnd..]);
            return builder;
        }

        public void Append(ReadOnlySpan<byte> bytes) => _payload.Write(bytes);

        public void AddTo(List<PesPacket> packets) => packets.Add(new PesPacket(pts, dts, _payload.ToArray()));

        private static long Timestamp(ReadOnlySpan<byte> field) =>
            ((long)((field[0] >> 1) & 0x07) << 30) | ((long)field[1] << 22) | ((long)(field[2] >> 1) << 15) | ((long)field[3] << 7) | ((long)field[4] >> 1);
    }
}
