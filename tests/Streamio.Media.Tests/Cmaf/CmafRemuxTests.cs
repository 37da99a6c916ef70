using System.Buffers.Binary;
using System.Collections.Concurrent;
using Streamio.Media.Cmaf;
using Streamio.Testing;

namespace Streamio.Media.Tests.Cmaf;

/// <summary>
/// The CMAF twins of real TS segments: the in-process remux against FFmpeg's MP4 muxer on the same segments, our split,
/// and FFmpeg decrypting what we stored.
/// </summary>
public sealed class CmafRemuxTests : IDisposable
{
    // FFmpeg's MPEG-TS muxer puts source time t at PTS t + 1.4 s; the remux keeps that timeline.
    private const double MpegTsOffset = 1.4;

    private readonly TempDirectory _temp = new("cmaf");

    public void Dispose() => _temp.Dispose();

    private static CmafRemuxer Remuxer() => new();

    /// <summary>What FFmpeg's MP4 muxer makes of a TS segment with the flags Streamio's remux followed (one fragment, the TS timeline, CMAF).</summary>
    private async Task<byte[]> FfmpegRemuxAsync(string tsPath)
    {
        var mp4 = Path.Combine(_temp.Path, $"ffmpeg-{Guid.NewGuid():N}.mp4");
        await FfmpegTools.FfmpegAsync("-v", "error", "-y", "-copyts", "-f", "mpegts", "-i", tsPath, "-map", "0", "-c", "copy", "-bsf:a", "aac_adtstoasc",
            "-f", "mp4", "-movflags", "empty_moov+delay_moov+default_base_moof+frag_custom+frag_discont+cmaf", mp4);
        return await File.ReadAllBytesAsync(mp4);
    }

    [Fact]
    public async Task The_in_process_remux_writes_what_ffmpegs_mp4_muxer_writes_for_video_and_audio_segments()
    {
        // Video with B-frames (negative composition offsets) and AAC audio, as the ladder encodes them.
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 6, Gop: 45));
        var segments = new ConcurrentQueue<ClosedSegment>();
        var job = new ChunkEncodeJob(MediaInput.LocalFile(clip), 0, 6, 0, 2, [new Rung("180p", 320, 180, 300)], Path.Combine(_temp.Path, "video"));
        await TestMedia.Encoder().EncodeChunkAsync(job, s => { segments.Enqueue(s); return Task.CompletedTask; }, null, CancellationToken.None);
        await TestMedia.Encoder().EncodeAudioAsync(new AudioEncodeJob(MediaInput.LocalFile(clip), 2, 64, Path.Combine(_temp.Path, "audio")),
            s => { segments.Enqueue(s); return Task.CompletedTask; }, null, CancellationToken.None);
        Assert.True(segments.Count >= 6, $"{segments.Count} segments");

        foreach (var segment in segments)
        {
            var ours = CmafFragment.Split(TsToFragmentedMp4.Remux(await File.ReadAllBytesAsync(segment.LocalPath)), 1);
            var theirs = CmafFragment.Split(await FfmpegRemuxAsync(segment.LocalPath), 1);
            var what = $"{segment.Rendition} segment {segment.Index}";
            Assert.True(ours.Timescale == theirs.Timescale, $"{what}: timescale {ours.Timescale}, FFmpeg {theirs.Timescale}");
            Assert.True(ours.DecodeTime == theirs.DecodeTime, $"{what}: tfdt {ours.DecodeTime}, FFmpeg {theirs.DecodeTime}");
            Assert.Equal(Samples(theirs.Media), Samples(ours.Media));
            Assert.Equal(Box(theirs.Media, "mdat"), Box(ours.Media, "mdat"));
            // The decoder's setup: avcC (profile, parameter sets) or the AudioSpecificConfig, and the picture size.
            Assert.Equal(AvcConfig(theirs.Init), AvcConfig(ours.Init));
            foreach (var type in new[] { "pasp", "mdhd", "hdlr", "trex" })
            {
                Assert.Equal(Box(theirs.Init, type), Box(ours.Init, type));
            }
            Assert.Equal(SampleEntryHead(theirs.Init), SampleEntryHead(ours.Init));
            Assert.Equal(AudioSpecificConfig(theirs.Init), AudioSpecificConfig(ours.Init));
        }
    }

    /// <summary>Each sample's (duration, size, flags, composition offset), as the fragment's tfhd defaults and trun give them.</summary>
    private static List<(long Duration, int Size, uint Flags, int Offset)> Samples(byte[] media)
    {
        var tfhd = Mp4Boxes.Find(media, "moof", "traf", "tfhd")!.Value;
        var trun = Mp4Boxes.Find(media, "moof", "traf", "trun")!.Value;
        var span = media.AsSpan();
        var tfhdFlags = BinaryPrimitives.ReadUInt32BigEndian(span[tfhd.PayloadOffset..]) & 0xFFFFFF;
        var at = tfhd.PayloadOffset + 8 + ((tfhdFlags & 0x2) != 0 ? 4 : 0);
        uint defaultDuration = 0, defaultSize = 0, defaultFlags = 0;
        if ((tfhdFlags & 0x8) != 0) { defaultDuration = BinaryPrimitives.ReadUInt32BigEndian(span[at..]); at += 4; }
        if ((tfhdFlags & 0x10) != 0) { defaultSize = BinaryPrimitives.ReadUInt32BigEndian(span[at..]); at += 4; }
        if ((tfhdFlags & 0x20) != 0) { defaultFlags = BinaryPrimitives.ReadUInt32BigEndian(span[at..]); }
        var flags = BinaryPrimitives.ReadUInt32BigEndian(span[trun.PayloadOffset..]) & 0xFFFFFF;
        var count = BinaryPrimitives.ReadInt32BigEndian(span[(trun.PayloadOffset + 4)..]);
        at = trun.PayloadOffset + 12;
        uint? firstFlags = null;
        if ((flags & 0x4) != 0) { firstFlags = BinaryPrimitives.ReadUInt32BigEndian(span[at..]); at += 4; }
        var samples = new List<(long, int, uint, int)>();
        for (var i = 0; i < count; i++)
        {
            long duration = defaultDuration; var size = (int)defaultSize; var sampleFlags = i == 0 && firstFlags is { } first ? first : defaultFlags; var offset = 0;
            if ((flags & 0x100) != 0) { duration = BinaryPrimitives.ReadUInt32BigEndian(span[at..]); at += 4; }
            if ((flags & 0x200) != 0) { size = BinaryPrimitives.ReadInt32BigEndian(span[at..]); at += 4; }
            if ((flags & 0x400) != 0) { sampleFlags = BinaryPrimitives.ReadUInt32BigEndian(span[at..]); at += 4; }
            if ((flags & 0x800) != 0) { offset = BinaryPrimitives.ReadInt32BigEndian(span[at..]); at += 4; }
            samples.Add((duration, size, sampleFlags, offset));
        }
        return samples;
    }

    /// <summary>The whole of the first box of <paramref name="type"/> anywhere in <paramref name="data"/> (found by its type), or empty.</summary>
    private static byte[] Box(byte[] data, string type)
    {
        var at = data.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(type));
        return at < 4 ? [] : data[(at - 4)..(at - 4 + BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(at - 4)))];
    }

    /// <summary>
    /// The avcC's fields and parameter sets (hex, one per line), each set without trailing zero bytes: FFmpeg's copy of the
    /// PPS keeps the zero that began the next start code in the TS, which no decoder reads.
    /// </summary>
    private static List<string> AvcConfig(byte[] init)
    {
        var avcC = Box(init, "avcC");
        if (avcC.Length == 0)
        {
            return [];
        }
        var fields = new List<string> { Convert.ToHexString(avcC, 8, 5) };
        var at = 13;
        foreach (var mask in new[] { 0x1F, 0xFF })
        {
            var count = avcC[at++] & mask;
            for (var i = 0; i < count; i++, at += 2 + BinaryPrimitives.ReadUInt16BigEndian(avcC.AsSpan(at)))
            {
                fields.Add(Convert.ToHexString(avcC.AsSpan(at + 2, BinaryPrimitives.ReadUInt16BigEndian(avcC.AsSpan(at)))).TrimEnd('0'));
            }
        }
        fields.Add(Convert.ToHexString(avcC, at, avcC.Length - at));
        return fields;
    }

    /// <summary>The sample entry's type and fixed fields (picture size, or channels and sample rate), without its child boxes.</summary>
    private static byte[] SampleEntryHead(byte[] init)
    {
        var stsd = Mp4Boxes.Find(init, "moov", "trak", "mdia", "minf", "stbl", "stsd")!.Value;
        var entry = Mp4Boxes.Children(init, stsd.PayloadOffset + 8, stsd.End)[0];
        var fixedFields = entry.Type == "mp4a" ? 28 : 78;
        return init[(entry.Offset + 4)..(entry.PayloadOffset + fixedFields)];
    }

    /// <summary>The esds's decoder specific info (descriptor tag 5), or empty for video.</summary>
    private static byte[] AudioSpecificConfig(byte[] init)
    {
        var esds = Box(init, "esds");
        // Tag 5 with the four-byte length both muxers write (a lone 0x05 may be part of a bitrate).
        var at = esds.AsSpan().IndexOf(new byte[] { 0x05, 0x80, 0x80, 0x80 });
        return esds.Length == 0 ? [] : esds[(at + 5)..(at + 5 + esds[at + 4])];
    }

    [Fact]
    public async Task Segments_of_separate_chunk_runs_follow_each_other_and_decrypt_with_the_first_init()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 8, Gop: 45));
        var key = CencKey.New();
        var parts = new Dictionary<int, CmafParts>();
        var tsPaths = new Dictionary<int, string>();
        // Two chunks, two FFmpeg runs, as two silos would run them.
        foreach (var (start, first) in new[] { (0.0, 0), (4.0, 2) })
        {
            var segments = new ConcurrentQueue<ClosedSegment>();
            var job = new ChunkEncodeJob(MediaInput.LocalFile(clip), start, 4, first, 2, [new Rung("180p", 320, 180, 300)], Path.Combine(_temp.Path, $"chunk{first}"));
            await TestMedia.Encoder().EncodeChunkAsync(job, s => { segments.Enqueue(s); return Task.CompletedTask; }, null, CancellationToken.None);
            foreach (var segment in segments)
            {
                tsPaths[segment.Index] = segment.LocalPath;
                parts[segment.Index] = await Remuxer().RemuxAsync(segment.LocalPath, segment.Index, key, CancellationToken.None);
                Assert.True(File.Exists(segment.LocalPath), "the TS segment is left for its own publishing");
            }
        }

        Assert.Equal([0, 1, 2, 3], parts.Keys.Order());
        foreach (var (index, part) in parts)
        {
            Assert.Equal(90000, part.Timescale);
            Assert.Equal(key.KeyId, part.KeyId);
            // tfdt is the first frame's time on the source timeline: continuous across the two runs.
            Assert.Equal((long)Math.Round((index * 2 + MpegTsOffset) * 90000), part.DecodeTime);
            Assert.Equal("moof", System.Text.Encoding.ASCII.GetString(part.Media, 4, 4));
        }

        // The init names the KID twice: for DASH players (tenc) and for EME's 'encrypted' event (a common-system pssh).
        byte[] pssh = [.. "pssh"u8, 1, 0, 0, 0, .. CencPackager.CommonSystemId, 0, 0, 0, 1, .. key.KeyId];
        Assert.True(parts[0].Init.AsSpan().IndexOf(pssh) > 0);

        // The second run's init says the same in what matters: timescale and KID.
        Assert.Equal(CmafFragment.Timescale(parts[0].Init), CmafFragment.Timescale(parts[3].Init));
        Assert.Equal(CmafFragment.KeyId(parts[0].Init), CmafFragment.KeyId(parts[3].Init));

        // The first init with a segment of the other run: FFmpeg decrypts and decodes all of its 60 frames.
        var joined = Path.Combine(_temp.Path, "joined.mp4");
        await File.WriteAllBytesAsync(joined, [.. parts[0].Init, .. parts[3].Media]);
        // Exactly the TS segment's pictures: the same frames, only repackaged and encrypted.
        var decrypted = await MediaInspector.LumaFramesAsync(await DecryptAsync(joined, key.KeyHex), 320, 180);
        Assert.Equal(await MediaInspector.LumaFramesAsync(tsPaths[3], 320, 180), decrypted);
        // Under another key the samples are noise to the decoder.
        if (await TryDecryptAsync(joined, CencKey.New().KeyHex) is { } garbled)
        {
            Assert.NotEqual(decrypted, await MediaInspector.LumaFramesAsync(garbled, 320, 180));
        }
    }

    [Fact]
    public async Task Audio_segments_get_their_sample_rate_as_timescale_and_continuous_times()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 6));
        var key = CencKey.New();
        var segments = new ConcurrentQueue<ClosedSegment>();
        await TestMedia.Encoder().EncodeAudioAsync(new AudioEncodeJob(MediaInput.LocalFile(clip), 2, 64, _temp.Path), s => { segments.Enqueue(s); return Task.CompletedTask; },
            null, CancellationToken.None);
        var parts = new List<(ClosedSegment Segment, CmafParts Parts)>();
        foreach (var segment in segments)
        {
            parts.Add((segment, await Remuxer().RemuxAsync(segment.LocalPath, segment.Index, key, CancellationToken.None)));
        }

        Assert.True(parts.Count >= 3);
        // Browsers refuse an AAC entry without its AudioSpecificConfig (the decoder specific info inside esds).
        Assert.True(DecoderConfigLength(parts[0].Parts.Init) > 13, "the esds carries the AudioSpecificConfig");
        Assert.All(parts, part => Assert.Equal(48000, part.Parts.Timescale));
        for (var i = 1; i < parts.Count; i++)
        {
            var gap = parts[i].Parts.DecodeTime - parts[i - 1].Parts.DecodeTime;
            // One AAC frame (1024 samples) is the finest a segment boundary can fall on.
            Assert.InRange(gap, parts[i - 1].Segment.DurationSeconds * 48000 - 1024, parts[i - 1].Segment.DurationSeconds * 48000 + 1024);
        }

        var joined = Path.Combine(_temp.Path, "audio.mp4");
        await File.WriteAllBytesAsync(joined, [.. parts[0].Parts.Init, .. parts[1].Parts.Media]);
        var wav = Path.Combine(_temp.Path, "audio.wav");
        await FfmpegTools.FfmpegAsync("-v", "error", "-y", "-decryption_key", key.KeyHex, "-i", joined, "-c:a", "pcm_s16le", wav);
        Assert.InRange(await MediaInspector.DurationAsync(wav), 1.9, 2.1);
    }

    [Fact]
    public async Task A_file_that_is_not_a_transport_stream_fails_saying_why_and_leaves_nothing()
    {
        var bogus = Path.Combine(_temp.Path, "bogus.ts");
        await File.WriteAllTextAsync(bogus, "not a transport stream");

        await Assert.ThrowsAsync<MediaToolException>(() => Remuxer().RemuxAsync(bogus, 0, CencKey.New(), CancellationToken.None));
        Assert.Equal(["bogus.ts"], Directory.GetFiles(_temp.Path).Select(Path.GetFileName));
    }

    /// <summary>The length of esds's DecoderConfigDescriptor: 13 bytes of fixed fields, plus any decoder specific info.</summary>
    private static int DecoderConfigLength(byte[] init)
    {
        var at = init.AsSpan().IndexOf("esds"u8) + 8;
        int Descriptor(ref int position)
        {
            position++;
            var length = 0;
            do
            {
                length = (length << 7) | (init[position] & 0x7F);
            }
            while ((init[position++] & 0x80) != 0);
            return length;
        }

        Assert.Equal(0x03, init[at]);
        Descriptor(ref at);
        at += 3;
        Assert.Equal(0x04, init[at]);
        return Descriptor(ref at);
    }

    /// <summary>The decrypted frames, losslessly re-encoded so they can be read back as pictures.</summary>
    private async Task<string> DecryptAsync(string mp4, string keyHex) =>
        await TryDecryptAsync(mp4, keyHex) ?? throw new InvalidOperationException($"FFmpeg could not decrypt {mp4}.");

    private async Task<string?> TryDecryptAsync(string mp4, string keyHex)
    {
        var output = Path.Combine(_temp.Path, $"decrypted-{keyHex[..8]}.mkv");
        try
        {
            await FfmpegTools.FfmpegAsync("-v", "error", "-y", "-decryption_key", keyHex, "-i", mp4, "-map", "0:v:0", "-c:v", "ffv1", output);
            return output;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
