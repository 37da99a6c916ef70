namespace Streamio.Media.Cmaf;

/// <summary>
/// Repackages one rendition's MPEG-TS segment as a fragmented MP4 (ftyp, moov, one moof and its mdat), in process:
/// the same frames, no decode. It writes what FFmpeg's MP4 muxer writes for that segment with Streamio's CMAF flags
/// (the tests hold the two side by side): video at 90 kHz with the decode time shifted so the first frame's composition
/// offset is 0 (the tfdt is the first frame's presentation time), audio at its sample rate, one track, no edit list.
/// Replaces an FFmpeg run per segment, most of whose cost was starting the process.
/// </summary>
public static class TsToFragmentedMp4
{
    private const int VideoTimescale = 90000;
    private const int SyncSampleFlags = 0x02000000;
    private const int NonSyncSampleFlags = 0x01010000;
    private const int AacFrameSamples = 1024;

    private sealed record Sample(byte[] Data, int Duration, int CompositionOffset, bool Sync);

    private sealed record Track(bool IsVideo, int Timescale, long DecodeTime, IReadOnlyList<Sample> Samples, int Width, int Height, Action<BoxWriter> SampleEntry);

    /// <summary>The fragmented MP4 of a TS segment; a segment that is not one H.264 or AAC track throws <see cref="InvalidDataException"/>.</summary>
    public static byte[] Remux(ReadOnlySpan<byte> ts)
    {
        var stream = TransportStream.ReadSingleStream(ts);
        var track = stream.StreamType == ElementaryStream.H264 ? VideoTrack(stream.Packets) : AudioTrack(stream.Packets);
        var writer = new BoxWriter();
        WriteInit(writer, track);
        WriteFragment(writer, track);
        return writer.ToArray();
    }

    private static Track VideoTrack(IReadOnlyList<PesPacket> packets)
    {
        var units = packets.Select(packet => H264Access.NalUnits(packet.Payload)).ToList();
        var sps = units.SelectMany(unit => unit).FirstOrDefault(unit => H264Access.TypeOf(unit) == H264Access.SpsType);
        var ppss = units.SelectMany(unit => unit).Where(unit => H264Access.TypeOf(unit) == H264Access.PpsType)
            .Select(unit => unit.ToArray()).DistinctBy(Convert.ToHexString).ToList();
        if (sps.Array is null || ppss.Count == 0)
        {
            throw new InvalidDataException("The H.264 segment carries no SPS or PPS (each segment starts with a keyframe and its parameter sets).");
        }

        var parameters = H264Access.ParseSps(sps);
        var shift = packets[0].Pts - packets[0].Dts;
        var samples = new List<Sample>(packets.Count);
        for (var i = 0; i < packets.Count; i++)
        {
            var duration = i + 1 < packets.Count ? packets[i + 1].Dts - packets[i].Dts
                : packets.Count > 1 ? packets[i].Dts - packets[i - 1].Dts
                : parameters.TicksPerFrame90k ?? VideoTimescale / 30;
            if (duration <= 0)
            {
                throw new InvalidDataException($"H.264 frame {i} does not decode after the one before it.");
            }

            samples.Add(new Sample(H264Access.ToSample(units[i]), (int)duration, (int)(packets[i].Pts - packets[i].Dts - shift),
                units[i].Any(unit => H264Access.TypeOf(unit) == H264Access.IdrType)));
        }

        var spsBytes = sps.ToArray();
        return new Track(true, VideoTimescale, packets[0].Dts + shift, samples, parameters.Width, parameters.Height,
            writer => WriteAvc1(writer, parameters, spsBytes, ppss));
    }

    private static Track AudioTrack(IReadOnlyList<PesPacket> packets)
    {
        var frames = packets.SelectMany(packet => AdtsFrames.Read(packet.Payload)).ToList();
        if (frames.Count == 0)
        {
            throw new InvalidDataException("The AAC segment holds no ADTS frame.");
        }

        var config = frames[0].Config;
        if (frames.Any(frame => frame.Config != config))
        {
            throw new InvalidDataException("The AAC segment changes its profile, sample rate or channels midway.");
        }

        var samples = frames.Select(frame => new Sample(frame.Payload, AacFrameSamples, 0, true)).ToList();
        var decodeTime = (long)Math.Round(packets[0].Pts * (double)config.SampleRate / VideoTimescale, MidpointRounding.AwayFromZero);
        var bitrate = (int)(samples.Sum(sample => (long)sample.Data.Length) * 8 * config.SampleRate / ((long)AacFrameSamples * samples.Count));
        return new Track(false, config.SampleRate, decodeTime, samples, 0, 0, writer => WriteMp4a(writer, config, bitrate));
    }

    private static void WriteInit(BoxWriter w, Track track)
    {
        w.Start("ftyp").Ascii("iso6").U32(0x200).Ascii("iso6").Ascii("cmfc").Ascii("mp41").End();
        w.Start("moov");
        w.StartFull("mvhd", 0, 0).U32(0).U32(0).U32(1000).U32(0).U32(0x00010000).U16(0x0100).Zeros(10).UnityMatrix().Zeros(24).U32(2).End();
        w.Start("trak");
        w.StartFull("tkhd", 0, 3).U32(0).U32(0).U32(1).U32(0).U32(0).Zeros(8)
            .U16(0).U16(track.IsVideo ? 0 : 1).U16(track.IsVideo ? 0 : 0x0100).U16(0).UnityMatrix()
            .U32(track.Width << 16).U32(track.Height << 16).End();
        w.Start("mdia");
        // Language 'und', packed as three 5-bit letters.
        w.StartFull("mdhd", 0, 0).U32(0).U32(0).U32(track.Timescale).U32(0).U16(0x55C4).U16(0).End();
        w.StartFull("hdlr", 0, 0).U32(0).Ascii(track.IsVideo ? "vide" : "soun").Zeros(12).Ascii(track.IsVideo ? "VideoHandler" : "SoundHandler").U8(0).End();
        w.Start("minf");
        if (track.IsVideo)
        {
            w.StartFull("vmhd", 0, 1).Zeros(8).End();
        }
        else
        {
            w.StartFull("smhd", 0, 0).Zeros(4).End();
        }

        w.Start("dinf").StartFull("dref", 0, 0).U32(1).StartFull("url ", 0, 1).End().End().End();
        w.Start("stbl");
        w.StartFull("stsd", 0, 0).U32(1);
        track.SampleEntry(w);
        w.End();
        w.StartFull("stts", 0, 0).U32(0).End();
        w.StartFull("stsc", 0, 0).U32(0).End();
        w.StartFull("stsz", 0, 0).U32(0).U32(0).End();
        w.StartFull("stco", 0, 0).U32(0).End();
        w.End().End().End().End();
        w.Start("mvex").StartFull("trex", 0, 0).U32(1).U32(1).U32(0).U32(0).U32(0).End().End();
        w.End();
    }

    private static void WriteAvc1(BoxWriter w, H264Sps sps, byte[] spsBytes, List<byte[]> ppss)
    {
        w.Start("avc1").Zeros(6).U16(1).Zeros(16).U16(sps.Width).U16(sps.Height).U32(0x00480000).U32(0x00480000).U32(0).U16(1)
            .Zeros(32).U16(0x0018).U16(0xFFFF);
        w.Start("avcC").U8(1).U8(sps.Profile).U8(sps.Compatibility).U8(sps.Level).U8(0xFC | (H264Access.NalLengthSize - 1))
            .U8(0xE1).U16(spsBytes.Length).Bytes(spsBytes).U8(ppss.Count);
        foreach (var pps in ppss)
        {
            w.U16(pps.Length).Bytes(pps);
        }

        if (sps.HasAvcCExtension)
        {
            w.U8(0xFC | sps.ChromaFormat).U8(0xF8 | (sps.BitDepthLuma - 8)).U8(0xF8 | (sps.BitDepthChroma - 8)).U8(0);
        }

        w.End();
        w.Start("pasp").U32(sps.SarWidth).U32(sps.SarHeight).End();
        w.End();
    }

    private static void WriteMp4a(BoxWriter w, AacConfig config, int bitrate)
    {
        // ISO/IEC 14496-12 keeps channelcount 2 and samplesize 16 in an MP4 audio entry; the real values are in the config.
        w.Start("mp4a").Zeros(6).U16(1).Zeros(8).U16(2).U16(16).U16(0).U16(0).U32(config.SampleRate << 16);
        var specific = config.AudioSpecificConfig;
        w.StartFull("esds", 0, 0);
        Descriptor(w, 0x03, 3 + 5 + 13 + 5 + specific.Length + 5 + 1);
        w.U16(1).U8(0);
        Descriptor(w, 0x04, 13 + 5 + specific.Length);
        // AAC (0x40), an audio stream (0x05 << 2, reserved bit set), no buffer size, maximum and average bitrate.
        w.U8(0x40).U8(0x15).U8(0).U16(0).U32(bitrate).U32(bitrate);
        Descriptor(w, 0x05, specific.Length);
        w.Bytes(specific);
        Descriptor(w, 0x06, 1);
        w.U8(0x02);
        w.End();
        w.Start("btrt").U32(0).U32(bitrate).U32(bitrate).End();
        w.End();
    }

    /// <summary>An MPEG-4 descriptor's tag and its length in the four-byte form FFmpeg writes.</summary>
    private static void Descriptor(BoxWriter w, int tag, int length) =>
        w.U8(tag).U8(0x80 | ((length >> 21) & 0x7F)).U8(0x80 | ((length >> 14) & 0x7F)).U8(0x80 | ((length >> 7) & 0x7F)).U8(length & 0x7F);

    private static void WriteFragment(BoxWriter w, Track track)
    {
        var samples = track.Samples;
        var defaultDuration = samples.GroupBy(sample => sample.Duration).MaxBy(group => group.Count())!.Key;
        var uniformDurations = samples.All(sample => sample.Duration == defaultDuration);
        var defaultFlags = track.IsVideo ? NonSyncSampleFlags : SyncSampleFlags;
        // Video: the first frame's flags apart when it alone is a keyframe, else each frame's flags.
        var firstFlagsOnly = track.IsVideo && samples[0].Sync && samples.Skip(1).All(sample => !sample.Sync);
        var perSampleFlags = track.IsVideo && !firstFlagsOnly;
        var withOffsets = track.IsVideo;
        var trunFlags = 0x001 | (firstFlagsOnly ? 0x004 : 0) | (uniformDurations ? 0 : 0x100) | 0x200 | (perSampleFlags ? 0x400 : 0) | (withOffsets ? 0x800 : 0);

        var moofStart = w.Position;
        w.Start("moof");
        w.StartFull("mfhd", 0, 0).U32(1).End();
        w.Start("traf");
        // default-base-is-moof, sample description index, default duration, size and flags.
        w.StartFull("tfhd", 0, 0x02003A).U32(1).U32(1).U32(defaultDuration).U32(samples[0].Data.Length).U32(defaultFlags).End();
        w.StartFull("tfdt", 1, 0).U64(track.DecodeTime).End();
        w.StartFull("trun", 1, trunFlags).U32(samples.Count);
        var dataOffsetAt = w.Position;
        w.U32(0);
        if (firstFlagsOnly)
        {
            w.U32(SyncSampleFlags);
        }

        foreach (var sample in samples)
        {
            if (!uniformDurations)
            {
                w.U32(sample.Duration);
            }

            w.U32(sample.Data.Length);
            if (perSampleFlags)
            {
                w.U32(sample.Sync ? SyncSampleFlags : NonSyncSampleFlags);
            }

            if (withOffsets)
            {
                w.U32(sample.CompositionOffset);
            }
        }

        w.End().End().End();
        // The samples start after the mdat's 8-byte header, counted from the moof's first byte.
        w.Patch(dataOffsetAt, (int)(w.Position - moofStart + 8));
        w.Start("mdat");
        foreach (var sample in samples)
        {
            w.Bytes(sample.Data);
        }

        w.End();
    }
}
