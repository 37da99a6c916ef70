using System.Collections.Concurrent;
using Streamio.Testing;

namespace Streamio.Media.Tests;

public sealed class FfmpegEncoderTests : IDisposable
{
    // FFmpeg's MPEG-TS muxer delays every timestamp by 2 x muxdelay (0.7 s): source time t is PTS t + 1.4 s.
    private const double MpegTsOffset = 1.4;

    private readonly TempDirectory _temp = new("encode");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_chunk_reports_every_segment_of_every_rung_once_in_order_with_exact_durations()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 8, Gop: 45));
        var segments = new ConcurrentQueue<ClosedSegment>();
        var progress = new ConcurrentQueue<double>();
        var job = new ChunkEncodeJob(
            MediaInput.LocalFile(clip), 0, 8, 0, 2,
            [new Rung("180p", 320, 180, 300), new Rung("90p", 160, 90, 150)],
            _temp.Path);

        await TestMedia.Encoder().EncodeChunkAsync(job, s => { segments.Enqueue(s); return Task.CompletedTask; }, new SyncProgress(progress.Enqueue), CancellationToken.None);

        foreach (var rung in new[] { "180p", "90p" })
        {
            var mine = segments.Where(s => s.Rendition == rung).ToList();
            Assert.Equal([0, 1, 2, 3], mine.Select(s => s.Index));
            Assert.All(mine, s => Assert.Equal(2.0, s.DurationSeconds));
            Assert.All(mine, s => Assert.Equal(Path.Combine(_temp.Path, rung, $"{s.Index}.ts"), s.LocalPath));
            foreach (var segment in mine)
            {
                var packets = await MediaInspector.PacketsAsync(segment.LocalPath);
                Assert.Equal(60, packets.Count);
                // Segments start on a keyframe (the clip's own GOP of 45 is not followed: boundaries are ours)...
                Assert.True(packets[0].IsKey);
                Assert.Equal(segment.Index * 2 + MpegTsOffset, packets.Min(p => p.Pts), 3);
                // ...and hold no other keyframe.
                Assert.Single(packets, p => p.IsKey);
            }
        }

        Assert.Equal((320, 180), await MediaInspector.VideoSizeAsync(Path.Combine(_temp.Path, "180p", "0.ts")));
        Assert.Equal((160, 90), await MediaInspector.VideoSizeAsync(Path.Combine(_temp.Path, "90p", "3.ts")));
        Assert.Equal(0.0, progress.First());
        Assert.Equal(progress.Order(), progress);
        Assert.Equal(1.0, progress.Last());
    }

    [Fact]
    public async Task A_chunk_in_the_middle_numbers_segments_from_its_first_index_on_the_source_timeline()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 8, Gop: 45));
        var segments = new ConcurrentQueue<ClosedSegment>();
        var job = new ChunkEncodeJob(MediaInput.LocalFile(clip), 5, 3, 5, 1, [new Rung("90p", 160, 90, 150)], _temp.Path);

        await TestMedia.Encoder().EncodeChunkAsync(job, s => { segments.Enqueue(s); return Task.CompletedTask; }, null, CancellationToken.None);

        Assert.Equal([5, 6, 7], segments.Select(s => s.Index));
        var first = await MediaInspector.PacketsAsync(segments.First().LocalPath);
        Assert.Equal(5 + MpegTsOffset, first.Min(p => p.Pts), 3);
        Assert.Equal(30, first.Count);
    }

    [Theory]
    // 7.5 fps: frames at 0, 0.133, ... 1.067 (first after 1 s), 2.0 (exactly on 2 s). A chunk starting at 1 s starts
    // 67 ms late, so a muxer clocked from its first frame would miss the 2 s boundary.
    [InlineData("15/2", 4, 1, 3, 1, 1, new[] { 7, 8, 7 })]
    // NTSC: 20 s is frame 599.4, so a keyframe time rounded to the nearest frame lands on 599, before the boundary.
    [InlineData("30000/1001", 25, 16, 8, 4, 4, new[] { 120, 120 })]
    public async Task Boundaries_that_fall_between_frames_cut_at_the_first_frame_after(
        string frameRate, double clipSeconds, double start, double duration, int first, double segment, int[] expectedFrames)
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: clipSeconds, Width: 160, Height: 90, FrameRate: frameRate, WithAudio: false));
        var segments = new ConcurrentQueue<ClosedSegment>();
        var job = new ChunkEncodeJob(MediaInput.LocalFile(clip), start, duration, first, segment, [new Rung("90p", 160, 90, 150)], _temp.Path);

        await TestMedia.Encoder().EncodeChunkAsync(job, s => { segments.Enqueue(s); return Task.CompletedTask; }, null, CancellationToken.None);

        Assert.Equal(Enumerable.Range(first, expectedFrames.Length), segments.Select(s => s.Index));
        var frames = new List<int>();
        foreach (var closed in segments)
        {
            var packets = await MediaInspector.PacketsAsync(closed.LocalPath);
            Assert.True(packets[0].IsKey);
            frames.Add(packets.Count);
        }

        Assert.Equal(expectedFrames, frames);
    }

    [Fact]
    public async Task The_last_chunk_may_end_with_a_short_segment()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 5, WithAudio: false));
        var segments = new ConcurrentQueue<ClosedSegment>();
        var job = new ChunkEncodeJob(MediaInput.LocalFile(clip), 4, 4, 2, 2, [new Rung("90p", 160, 90, 150)], _temp.Path);

        await TestMedia.Encoder().EncodeChunkAsync(job, s => { segments.Enqueue(s); return Task.CompletedTask; }, null, CancellationToken.None);

        Assert.Equal([2], segments.Select(s => s.Index));
        Assert.Equal(1.0, segments.Single().DurationSeconds);
    }

    [Fact]
    public async Task Audio_is_one_stereo_aac_rendition_segmented_like_the_video()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 8));
        var segments = new ConcurrentQueue<ClosedSegment>();
        var progress = new ConcurrentQueue<double>();

        await TestMedia.Encoder().EncodeAudioAsync(
            new AudioEncodeJob(MediaInput.LocalFile(clip), 2, 128, _temp.Path),
            s => { segments.Enqueue(s); return Task.CompletedTask; },
            new SyncProgress(progress.Enqueue),
            CancellationToken.None);

        Assert.All(segments, s => Assert.Equal("audio", s.Rendition));
        Assert.Equal(Enumerable.Range(0, segments.Count), segments.Select(s => s.Index));
        Assert.InRange(segments.Count, 4, 5);
        Assert.InRange(segments.Sum(s => s.DurationSeconds), 7.95, 8.1);
        Assert.All(segments.Take(3), s => Assert.InRange(s.DurationSeconds, 1.95, 2.05));
        var packets = await MediaInspector.PacketsAsync(segments.First().LocalPath, "a:0");
        Assert.NotEmpty(packets);
        var streams = await FfmpegTools.FfprobeAsync("-v", "error", "-show_entries", "stream=codec_name,channels,sample_rate", "-of", "csv=p=0", segments.First().LocalPath);
        Assert.Equal("aac,48000,2", streams.StandardOutput.Split('\n')[0].Trim());
        Assert.True(progress.Count > 1);
        Assert.Equal(1.0, progress.Last());
    }

    [Fact]
    public async Task The_audio_pass_runs_at_normal_priority_until_its_first_segment_then_in_the_background()
    {
        // Three minutes of audio: seconds of AAC encoding, so FFmpeg is still running long after its first segment.
        var source = Path.Combine(_temp.Path, "tone.mkv");
        await FfmpegTools.FfmpegAsync("-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000:duration=180", "-ac", "1", "-c:a", "pcm_s16le", source);
        var work = Path.Combine(_temp.Path, "audio-priority");
        var readings = new ConcurrentQueue<(int Index, IReadOnlyList<(int Policy, int Nice)> Threads)>();

        await TestMedia.Encoder().EncodeAudioAsync(
            new AudioEncodeJob(MediaInput.LocalFile(source), 2, 128, work) { DurationSeconds = 180 },
            s =>
            {
                readings.Enqueue((s.Index, ThreadsOfFfmpegWritingTo(work)));
                return Task.CompletedTask;
            },
            null,
            CancellationToken.None);

        var first = readings.First();
        Assert.Equal(0, first.Index);
        Assert.NotEmpty(first.Threads);
        Assert.All(first.Threads, thread => Assert.Equal(0, thread.Policy));
        // Every later reading of a running FFmpeg: background (idle class, nice 10), once lowered never back.
        var lowered = readings.Skip(1).SkipWhile(r => r.Threads.Any(t => t.Policy == 0)).ToList();
        Assert.Contains(lowered, r => r.Threads.Count > 0);
        Assert.All(lowered.SelectMany(r => r.Threads), thread => Assert.Equal((5, 10), thread));
    }

    /// <summary>The scheduling class and nice value of each thread of the FFmpeg whose command line names <paramref name="workDirectory"/>.</summary>
    private static List<(int Policy, int Nice)> ThreadsOfFfmpegWritingTo(string workDirectory)
    {
        var threads = new List<(int Policy, int Nice)>();
        foreach (var process in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            try
            {
                if (!File.ReadAllText(Path.Combine(process, "cmdline")).Contains(workDirectory, StringComparison.Ordinal))
                {
                    continue;
                }

                foreach (var task in Directory.GetDirectories(Path.Combine(process, "task")))
                {
                    threads.Add(TestMedia.PriorityOf(Path.Combine(task, "stat")));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone between listing and reading (FFmpeg finished), or not ours to read.
            }
        }

        return threads;
    }

    [Fact]
    public async Task Audio_progress_works_without_a_known_duration_and_with_one()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 8));
        foreach (var duration in new double?[] { null, 8 })
        {
            var progress = new ConcurrentQueue<double>();
            await TestMedia.Encoder().EncodeAudioAsync(
                new AudioEncodeJob(MediaInput.LocalFile(clip), 2, 128, _temp.Combine($"d{duration}")) { DurationSeconds = duration },
                _ => Task.CompletedTask,
                new SyncProgress(progress.Enqueue),
                CancellationToken.None);

            // Some report before the end, from FFmpeg's out_time over the duration.
            Assert.Contains(progress, p => p is > 0 and < 1);
        }
    }

    [Fact]
    public async Task Poster_is_a_jpeg_of_the_requested_height_keeping_the_aspect()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 4, Width: 640, Height: 360, WithAudio: false));
        var poster = _temp.Combine("thumbs", "poster.jpg");

        await TestMedia.Encoder().CapturePosterAsync(MediaInput.LocalFile(clip), 1.5, 90, poster, CancellationToken.None);

        Assert.Equal((160, 90), await MediaInspector.VideoSizeAsync(poster));
        Assert.Equal([0xFF, 0xD8], (await File.ReadAllBytesAsync(poster))[..2]);
    }

    [Fact]
    public async Task A_poster_comes_from_a_one_segment_rendition_too()
    {
        // One second of MPEG-TS starting at 1.4 s, as a live recording's only segment: seeking it by bytes finds no frame.
        var rendition = _temp.Combine("one.ts");
        await FfmpegTools.FfmpegAsync("-v", "error", "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=1", "-c:v", "libx264", "-g", "25", "-f", "mpegts", rendition);
        var poster = _temp.Combine("poster.jpg");

        await TestMedia.Encoder().CapturePosterAsync(MediaInput.OwnRendition(rendition), 0.1, 90, poster, CancellationToken.None);

        Assert.Equal((160, 90), await MediaInspector.VideoSizeAsync(poster));
    }

    [Fact]
    public async Task A_poster_past_the_end_is_an_error_not_a_missing_file()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 2, WithAudio: false));

        await Assert.ThrowsAsync<MediaToolException>(
            () => TestMedia.Encoder().CapturePosterAsync(MediaInput.LocalFile(clip), 30, 90, _temp.Combine("p.jpg"), CancellationToken.None));
    }

    [Fact]
    public async Task Storyboard_is_one_sprite_with_a_tile_per_interval()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 12, Width: 640, Height: 360));
        var sprite = _temp.Combine("storyboard.jpg");

        var result = await TestMedia.Encoder().BuildStoryboardAsync(MediaInput.LocalFile(clip), 12, new StoryboardSpec(2, 80, 46, 4), sprite, CancellationToken.None);

        Assert.Equal(new StoryboardResult(sprite, 6, 4, 2, 80, 46), result);
        Assert.Equal((320, 92), await MediaInspector.VideoSizeAsync(sprite));
    }

    [Fact]
    public async Task A_short_storyboard_uses_only_the_columns_it_needs()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 2, WithAudio: false));

        // Odd tile sizes cannot exist in a 4:2:0 JPEG: the layout reports the even size used.
        var result = await TestMedia.Encoder().BuildStoryboardAsync(MediaInput.LocalFile(clip), 2, new StoryboardSpec(1, 81, 45, 10), _temp.Combine("sb.jpg"), CancellationToken.None);

        Assert.Equal((2, 2, 1, 80, 44), (result.TileCount, result.Columns, result.Rows, result.TileWidth, result.TileHeight));
        Assert.Equal((160, 44), await MediaInspector.VideoSizeAsync(result.SpritePath));
    }

    [Fact]
    public async Task Cancelling_a_chunk_stops_ffmpeg_and_reports_nothing_more()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 30, Width: 640, Height: 360, WithAudio: false));
        using var cts = new CancellationTokenSource();
        var segments = new ConcurrentQueue<ClosedSegment>();
        var job = new ChunkEncodeJob(MediaInput.LocalFile(clip), 0, 30, 0, 1, [new Rung("360p", 640, 360, 800)], _temp.Path);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TestMedia.Encoder().EncodeChunkAsync(
            job,
            s =>
            {
                segments.Enqueue(s);
                cts.Cancel();
                return Task.CompletedTask;
            },
            null,
            cts.Token));

        Assert.Single(segments);
    }

    [Fact]
    public async Task A_failing_segment_callback_stops_the_chunk_and_surfaces()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 30, Width: 640, Height: 360, WithAudio: false));
        var job = new ChunkEncodeJob(MediaInput.LocalFile(clip), 0, 30, 0, 1, [new Rung("360p", 640, 360, 800)], _temp.Path);

        var error = await Assert.ThrowsAsync<IOException>(() => TestMedia.Encoder().EncodeChunkAsync(
            job, _ => throw new IOException("storage is full"), null, CancellationToken.None));

        Assert.Equal("storage is full", error.Message);
    }

    [Fact]
    public async Task A_chunk_over_its_timeout_fails_with_a_media_tool_exception()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 30, Width: 640, Height: 360, WithAudio: false));
        var options = FfmpegTools.Options();
        options.TaskTimeoutFloor = TimeSpan.Zero;
        options.TaskTimeoutPerMediaSecond = 0.01;
        var job = new ChunkEncodeJob(MediaInput.LocalFile(clip), 0, 30, 0, 1, [new Rung("360p", 640, 360, 800)], _temp.Path);

        var error = await Assert.ThrowsAsync<MediaToolException>(
            () => TestMedia.Encoder(options).EncodeChunkAsync(job, _ => Task.CompletedTask, null, CancellationToken.None));

        Assert.Contains("timed out", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rerun_of_a_chunk_does_not_trust_the_previous_playlist()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 4, WithAudio: false));
        var job = new ChunkEncodeJob(MediaInput.LocalFile(clip), 0, 4, 0, 2, [new Rung("90p", 160, 90, 150)], _temp.Path);
        var encoder = TestMedia.Encoder();
        await encoder.EncodeChunkAsync(job, _ => Task.CompletedTask, null, CancellationToken.None);
        var again = new ConcurrentQueue<ClosedSegment>();

        await encoder.EncodeChunkAsync(job, s => { again.Enqueue(s); return Task.CompletedTask; }, null, CancellationToken.None);

        Assert.Equal([0, 1], again.Select(s => s.Index));
    }

    /// <summary>IProgress that reports inline (Progress&lt;T&gt; posts to the thread pool, out of order).</summary>
    private sealed class SyncProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
