using System.Collections.Concurrent;
using Streamio.Testing;

namespace Streamio.Media.Tests;

/// <summary>
/// The pipeline's central promise: chunks encoded separately, in any split and order, join into one continuous
/// stream per rung. Checked the way a player sees it: each rung's segments concatenated, decoded, timed.
/// </summary>
public sealed class ContinuityTests : IDisposable
{
    private const double SegmentSeconds = 4;
    private static readonly Rung Lowest = new("180p", 320, 180, 300);
    private static readonly Rung[] Others = [new("270p", 480, 270, 500), new("360p", 640, 360, 800)];

    private readonly TempDirectory _temp = new("continuity");

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("30")]
    // NTSC: boundaries at 4 s, 8 s fall between frames; keyframes and cuts must pick the same frame.
    [InlineData("30000/1001")]
    public async Task Chunks_join_into_one_continuous_stream_per_rung_and_audio_lines_up(string frameRate)
    {
        var spec = new ClipSpec(DurationSeconds: 12, Width: 640, Height: 360, FrameRate: frameRate, Gop: 50);
        var clip = await ClipFactory.GetAsync(spec);
        var input = MediaInput.LocalFile(clip);
        var segments = new ConcurrentQueue<ClosedSegment>();
        Task Collect(ClosedSegment s)
        {
            segments.Enqueue(s);
            return Task.CompletedTask;
        }

        var encoder = TestMedia.Encoder();
        // Fast start first (the lowest rung's first segment), then the rest of chunk 0, then chunk 1, then audio.
        await encoder.EncodeChunkAsync(new ChunkEncodeJob(input, 0, 4, 0, SegmentSeconds, [Lowest], _temp.Path), Collect, null, CancellationToken.None);
        await encoder.EncodeChunkAsync(new ChunkEncodeJob(input, 0, 4, 0, SegmentSeconds, Others, _temp.Path), Collect, null, CancellationToken.None);
        await encoder.EncodeChunkAsync(new ChunkEncodeJob(input, 4, 8, 1, SegmentSeconds, [Lowest, .. Others], _temp.Path), Collect, null, CancellationToken.None);
        await encoder.EncodeAudioAsync(new AudioEncodeJob(input, SegmentSeconds, 128, _temp.Path) { DurationSeconds = 12 }, Collect, null, CancellationToken.None);

        var frameDuration = 1 / spec.Fps;
        foreach (var rung in (Rung[])[Lowest, .. Others])
        {
            var mine = segments.Where(s => s.Rendition == rung.Name).ToList();
            Assert.Equal([0, 1, 2], mine.Select(s => s.Index));
            var joined = await ConcatenateAsync(rung.Name, mine);

            Assert.InRange(await MediaInspector.CountFramesAsync(joined), spec.FrameCount - 1, spec.FrameCount + 1);
            Assert.Equal(12, await MediaInspector.DurationAsync(joined), 1);
            var packets = await MediaInspector.PacketsAsync(joined);
            Assert.Equal(spec.FrameCount, packets.Count);
            // No gap and no overlap anywhere, in particular not at the chunk join (4 s) or segment joins.
            Assert.All(MediaInspector.PtsDeltas(packets), d => Assert.Equal(frameDuration, d, 4));
            // Segment durations add up to the frames they hold (NTSC: 360 x 1001/30000 = 12.012 s).
            Assert.Equal(spec.FrameCount * frameDuration, mine.Sum(s => s.DurationSeconds), 3);
            Assert.All(mine, s => Assert.InRange(s.DurationSeconds, SegmentSeconds - frameDuration, SegmentSeconds + frameDuration));
        }

        // Audio: one continuous rendition on the same clock; its first sample within a frame of the first picture.
        var audio = segments.Where(s => s.Rendition == "audio").ToList();
        Assert.Equal(Enumerable.Range(0, audio.Count), audio.Select(s => s.Index));
        var audioJoined = await ConcatenateAsync("audio", audio);
        var audioPackets = await MediaInspector.PacketsAsync(audioJoined, "a:0");
        var firstVideo = (await MediaInspector.PacketsAsync(segments.First(s => s.Rendition == Lowest.Name && s.Index == 0).LocalPath)).Min(p => p.Pts);
        Assert.InRange(audioPackets.Min(p => p.Pts) - firstVideo, -frameDuration, frameDuration);
        Assert.All(MediaInspector.PtsDeltas(audioPackets), d => Assert.Equal(1024.0 / 48000, d, 4));
        Assert.Equal(12, audioPackets.Count * 1024.0 / 48000, 1);
    }

    private async Task<string> ConcatenateAsync(string name, IEnumerable<ClosedSegment> segments)
    {
        // What an HLS player does with consecutive TS segments: append the bytes.
        var joined = _temp.Combine($"{name}-joined.ts");
        await using var output = File.Create(joined);
        foreach (var segment in segments.OrderBy(s => s.Index))
        {
            await using var input = File.OpenRead(segment.LocalPath);
            await input.CopyToAsync(output);
        }

        return joined;
    }
}
