using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Streamio.Media.Cmaf;
using Streamio.Testing;

namespace Streamio.Media.Tests.Cmaf;

/// <summary>The CMAF twins of real TS segments: FFmpeg's remux, our split, and FFmpeg decrypting what we stored.</summary>
public sealed class CmafRemuxTests : IDisposable
{
    // FFmpeg's MPEG-TS muxer puts source time t at PTS t + 1.4 s; the remux keeps that timeline.
    private const double MpegTsOffset = 1.4;

    private readonly TempDirectory _temp = new("cmaf");

    public void Dispose() => _temp.Dispose();

    private static CmafRemuxer Remuxer() => new(TestMedia.Runner(), Options.Create(FfmpegTools.Options()));

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
    public async Task A_file_that_is_not_a_transport_stream_fails_with_ffmpegs_reason_and_leaves_nothing()
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
