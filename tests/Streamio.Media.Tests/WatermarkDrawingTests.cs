using System.Text;
using Streamio.Testing;

namespace Streamio.Media.Tests;

/// <summary>The drawtext filter Streamio builds, run by the real FFmpeg: the text is drawn as typed, never parsed.</summary>
public sealed class WatermarkDrawingTests
{
    private const int Width = 320;
    private const int Height = 180;
    private const string Font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    [Fact]
    public async Task Expansions_are_drawn_as_text_not_evaluated()
    {
        // Expanded, %{pts} and %{n} would change on every frame; drawn literally, every frame is the same picture.
        var frames = await DrawAsync("%{pts} %{n} %{localtime}", WatermarkPosition.TopLeft);

        Assert.True(Ink(frames[0]) > 200, "the text is drawn");
        Assert.All(frames, frame => Assert.Equal(frames[0], frame));
    }

    [Fact]
    public async Task Filter_syntax_in_the_text_is_drawn_whole()
    {
        // Parsed as filter options, the text would end at the first ':' or ',' (or fail the graph).
        var one = await DrawAsync("it's", WatermarkPosition.TopLeft);
        var all = await DrawAsync("it's \"q\": a\\b [x];y,z='1'", WatermarkPosition.TopLeft);

        Assert.True(Ink(all[0]) > 3 * Ink(one[0]), $"ink {Ink(all[0])} vs {Ink(one[0])}: the rest of the text is missing");
    }

    [Fact]
    public async Task A_line_break_draws_a_second_line()
    {
        var single = await DrawAsync("WATERMARK", WatermarkPosition.TopLeft);
        var two = await DrawAsync("WATERMARK\nWATERMARK", WatermarkPosition.TopLeft);

        Assert.True(LastInkRow(two[0]) > LastInkRow(single[0]) + 15, "the second line sits below the first");
    }

    [Fact]
    public async Task The_bottom_right_corner_is_used_and_moving_text_moves()
    {
        var corner = await DrawAsync("MARK", WatermarkPosition.BottomRight);
        Assert.True(InkIn(corner[0], Width / 2, Height / 2, Width, Height) == Ink(corner[0]), "all the ink is in the bottom-right quarter");

        var moving = await DrawAsync("MARK", WatermarkPosition.Moving, seconds: 3);
        Assert.NotEqual(moving[0], moving[^1]);
    }

    [Fact]
    public async Task A_whole_run_reads_a_fifo_and_cuts_segments_on_keyframes()
    {
        using var scratch = new TempDirectory("wm-run");
        var source = scratch.Combine("clip.ts");
        await FfmpegTools.FfmpegAsync("-v", "error", "-f", "lavfi", "-i", $"testsrc2=s={Width}x{Height}:r=30:d=5", "-c:v", "libx264", "-preset", "ultrafast",
            "-g", "30", "-f", "mpegts", source);
        var job = Job(scratch, "%{pts}", WatermarkPosition.Moving) with { InputPath = scratch.Combine("source.ts") };
        Directory.CreateDirectory(WatermarkArguments.SegmentDirectory(job.WorkDirectory));
        FifoFile.Create(job.InputPath);

        var writer = FifoFile.OpenWriterAsync(job.InputPath);
        var feed = Task.Run(async () =>
        {
            await using var pipe = await writer;
            await pipe.WriteAsync(await File.ReadAllBytesAsync(source));
        });
        await TestMedia.Runner().RunFfmpegAsync(WatermarkArguments.Encode(job, "ultrafast"), TimeSpan.FromMinutes(2), null, CancellationToken.None);
        await feed;

        var (entries, ended) = LocalHlsPlaylist.Parse(await File.ReadAllTextAsync(WatermarkArguments.PlaylistPath(job.WorkDirectory)));
        Assert.True(ended);
        Assert.Equal([0, 1, 2], entries.Select(entry => entry.Index));
        var joined = scratch.Combine("joined.ts");
        await using (var output = File.Create(joined))
        {
            foreach (var entry in entries)
            {
                await output.WriteAsync(await File.ReadAllBytesAsync(Path.Combine(WatermarkArguments.SegmentDirectory(job.WorkDirectory), $"{entry.Index}.ts")));
            }
        }
        Assert.Equal(150, await MediaInspector.CountFramesAsync(joined));
        // Whatever the input's start time: a keyframe on the first frame, 1 s later, then every 2 s.
        var keyframes = (await MediaInspector.PacketsAsync(joined)).Where(packet => packet.IsKey).Select(packet => packet.Pts).Order().ToList();
        Assert.Equal(3, keyframes.Count);
        Assert.Equal(1.0, keyframes[1] - keyframes[0], 3);
        Assert.Equal(2.0, keyframes[2] - keyframes[1], 3);
        Assert.Equal([1.0, 2.0, 2.0], entries.Select(entry => Math.Round(entry.DurationSeconds, 1)));
    }

    [Fact]
    public async Task A_reader_that_never_opens_does_not_leave_the_writer_hanging()
    {
        using var scratch = new TempDirectory("wm-fifo");
        var path = scratch.Combine("fifo");
        FifoFile.Create(path);
        var writer = FifoFile.OpenWriterAsync(path);

        await FifoFile.ReleaseWriterAsync(path, writer);

        await using var pipe = await writer.WaitAsync(TimeSpan.FromMinutes(1));
        await Assert.ThrowsAsync<IOException>(async () => await pipe.WriteAsync(new byte[1024 * 1024]));
    }

    private static WatermarkEncodeJob Job(TempDirectory scratch, string text, WatermarkPosition position)
    {
        var textFile = scratch.Combine("text.txt");
        File.WriteAllText(textFile, text, new UTF8Encoding(false));
        return new WatermarkEncodeJob(scratch.Combine("in.ts"), textFile, Font, position, 1.0, 24, 500, Height, 2, scratch.Path);
    }

    /// <summary>Frames of a black clip with the watermark drawn, as luma.</summary>
    private static async Task<IReadOnlyList<byte[]>> DrawAsync(string text, WatermarkPosition position, double seconds = 2)
    {
        using var scratch = new TempDirectory("wm-draw");
        var job = Job(scratch, text, position);
        var raw = scratch.Combine("frames.gray");
        await FfmpegTools.FfmpegAsync("-v", "error", "-f", "lavfi", "-i", $"color=black:s={Width}x{Height}:r=30:d={seconds}",
            "-vf", WatermarkArguments.DrawText(job), "-f", "rawvideo", "-pix_fmt", "gray", raw);
        var bytes = await File.ReadAllBytesAsync(raw);
        return Enumerable.Range(0, bytes.Length / (Width * Height)).Select(i => bytes.AsSpan(i * Width * Height, Width * Height).ToArray()).ToList();
    }

    private static int Ink(byte[] frame) => InkIn(frame, 0, 0, Width, Height);

    private static int InkIn(byte[] frame, int x0, int y0, int x1, int y1)
    {
        var ink = 0;
        for (var y = y0; y < y1; y++)
        {
            for (var x = x0; x < x1; x++)
            {
                ink += frame[y * Width + x] > 128 ? 1 : 0;
            }
        }
        return ink;
    }

    private static int LastInkRow(byte[] frame) =>
        Enumerable.Range(0, Height).Last(y => Enumerable.Range(0, Width).Any(x => frame[y * Width + x] > 128));
}
