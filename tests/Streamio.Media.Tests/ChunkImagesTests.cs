using System.Collections.Concurrent;
using Streamio.Testing;

namespace Streamio.Media.Tests;

/// <summary>
/// Storyboard tiles and the poster made by the chunk encode itself, from the frames it decodes anyway. Checked on
/// clips whose frames show their own number, so every image is known to be exactly the frame at or after its time.
/// </summary>
public sealed class ChunkImagesTests : IDisposable
{
    private const double Ntsc = 30000.0 / 1001;
    private static readonly Rung Rung90 = new("90p", 160, 90, 150);

    private readonly TempDirectory _temp = new("chunk-images");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Two_adjacent_chunks_make_every_tile_once_from_the_frame_at_or_after_its_time_and_one_poster()
    {
        var clip = MediaInput.LocalFile(await CodedClip.GetAsync("30000/1001", 13));
        // Tile 3 (5.9925 s) and tile 6 (11.985 s) fall between the last frame before a chunk's end and the end: their
        // frames (6.006 s, 12.012 s) are past the chunk, and still theirs.
        var images = new ChunkImages(TileIntervalSeconds: 1.9975, TileWidth: 80, TileHeight: 46, PosterAtSeconds: 7, PosterHeight: 60);
        var encoder = TestMedia.Encoder();
        var progress = new ConcurrentQueue<double>();

        var first = await encoder.EncodeChunkAsync(
            new ChunkEncodeJob(clip, 0, 6, 0, 2, [Rung90], _temp.Combine("a")) { Images = images }, _ => Task.CompletedTask, null, CancellationToken.None);
        var second = await encoder.EncodeChunkAsync(
            new ChunkEncodeJob(clip, 6, 6, 3, 2, [Rung90], _temp.Combine("b")) { Images = images },
            _ => Task.CompletedTask,
            new SyncProgress(progress.Enqueue),
            CancellationToken.None);

        Assert.Equal([0, 1, 2, 3], first.Tiles.Select(t => t.Index));
        Assert.Equal([4, 5, 6], second.Tiles.Select(t => t.Index));
        Assert.All(first.Tiles, t => Assert.Equal(_temp.Combine("a", $"tile-{t.Index}.jpg"), t.LocalPath));
        foreach (var tile in first.Tiles.Concat(second.Tiles))
        {
            Assert.Equal([0xFF, 0xD8], (await File.ReadAllBytesAsync(tile.LocalPath))[..2]);
            Assert.Equal((80, 46), await MediaInspector.VideoSizeAsync(tile.LocalPath));
            Assert.Equal(CodedClip.FrameAtOrAfter(tile.Index * 1.9975, Ntsc), await CodedClip.FrameNumberAsync(tile.LocalPath));
        }

        Assert.Equal([0, 60, 120, 180, 240, 300, 360], [.. first.Tiles.Concat(second.Tiles).Select(t => CodedClip.FrameAtOrAfter(t.Index * 1.9975, Ntsc))]);
        Assert.Null(first.PosterPath);
        Assert.Equal(_temp.Combine("b", "poster.jpg"), second.PosterPath);
        Assert.False(File.Exists(_temp.Combine("a", "poster.jpg")));
        // 16:9 at 60 high: 106 wide (even).
        Assert.Equal((106, 60), await MediaInspector.VideoSizeAsync(second.PosterPath!));
        Assert.Equal(CodedClip.FrameAtOrAfter(7, Ntsc), await CodedClip.FrameNumberAsync(second.PosterPath!));

        // Progress with images on: 0 first, then rising, 1 last.
        Assert.Equal(0.0, progress.First());
        Assert.Equal(1.0, progress.Last());
        Assert.Equal(progress.Distinct().Order(), progress);
    }

    [Fact]
    public async Task A_frame_that_is_the_answer_for_several_tiles_is_every_one_of_them()
    {
        // A frame every 3 s (0, 3, 6, 9, 12): tiles every 2 s. Tiles 2 (4 s) and 3 (6 s) are both frame 2; tile 5 (10 s)
        // is frame 4 at 12 s, the chunk's end.
        var clip = MediaInput.LocalFile(await CodedClip.GetAsync("1/3", 15));
        var job = new ChunkEncodeJob(clip, 0, 12, 0, 3, [Rung90], _temp.Path) { Images = new ChunkImages(2, 80, 46, null, 60) };

        var result = await TestMedia.Encoder().EncodeChunkAsync(job, _ => Task.CompletedTask, null, CancellationToken.None);

        Assert.Equal([0, 1, 2, 3, 4, 5], result.Tiles.Select(t => t.Index));
        var frames = new List<int>();
        foreach (var tile in result.Tiles)
        {
            frames.Add(await CodedClip.FrameNumberAsync(tile.LocalPath));
        }

        Assert.Equal([0, 1, 2, 2, 3, 4], frames);
        Assert.Null(result.PosterPath);
    }

    [Fact]
    public async Task Tiles_and_a_poster_past_the_last_frame_are_not_made_and_the_chunk_still_succeeds()
    {
        // The last frame is at 12.979 s; the last chunk's span runs to 14 s.
        var clip = MediaInput.LocalFile(await CodedClip.GetAsync("30000/1001", 13));
        var segments = new ConcurrentQueue<ClosedSegment>();
        var job = new ChunkEncodeJob(clip, 12, 2, 6, 2, [Rung90], _temp.Path) { Images = new ChunkImages(0.5, 80, 46, 13.2, 60) };

        var result = await TestMedia.Encoder().EncodeChunkAsync(job, s => { segments.Enqueue(s); return Task.CompletedTask; }, null, CancellationToken.None);

        Assert.Equal([6], segments.Select(s => s.Index));
        Assert.Equal([24, 25], result.Tiles.Select(t => t.Index));
        Assert.Equal(CodedClip.FrameAtOrAfter(12.5, Ntsc), await CodedClip.FrameNumberAsync(result.Tiles[1].LocalPath));
        Assert.Null(result.PosterPath);
    }

    [Fact]
    public async Task A_rerun_reports_only_its_own_images()
    {
        var clip = MediaInput.LocalFile(await CodedClip.GetAsync("30000/1001", 13));
        var job = new ChunkEncodeJob(clip, 0, 4, 0, 2, [Rung90], _temp.Path) { Images = new ChunkImages(2, 80, 46, 1, 60) };
        var encoder = TestMedia.Encoder();
        await encoder.EncodeChunkAsync(job, _ => Task.CompletedTask, null, CancellationToken.None);

        var again = await encoder.EncodeChunkAsync(job with { Images = new ChunkImages(2, 40, 24, null, 60) }, _ => Task.CompletedTask, null, CancellationToken.None);

        Assert.Equal([0, 1], again.Tiles.Select(t => t.Index));
        Assert.Equal((40, 24), await MediaInspector.VideoSizeAsync(again.Tiles[0].LocalPath));
        Assert.Null(again.PosterPath);
        Assert.False(File.Exists(_temp.Combine("poster.jpg")));
    }

    [Fact]
    public async Task A_chunk_without_images_makes_none()
    {
        var clip = MediaInput.LocalFile(await CodedClip.GetAsync("30000/1001", 13));

        var result = await TestMedia.Encoder().EncodeChunkAsync(new ChunkEncodeJob(clip, 0, 2, 0, 2, [Rung90], _temp.Path), _ => Task.CompletedTask, null, CancellationToken.None);

        Assert.Empty(result.Tiles);
        Assert.Null(result.PosterPath);
        Assert.Empty(Directory.GetFiles(_temp.Path, "*.jpg"));
    }

    [Fact]
    public async Task Composing_tiles_lays_them_out_in_index_order_and_pads_the_last_row()
    {
        var clip = MediaInput.LocalFile(await CodedClip.GetAsync("30000/1001", 13));
        var chunk = await TestMedia.Encoder().EncodeChunkAsync(
            new ChunkEncodeJob(clip, 0, 12, 0, 4, [Rung90], _temp.Combine("work")) { Images = new ChunkImages(1.5, 80, 46, null, 60) },
            _ => Task.CompletedTask,
            null,
            CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, 8), chunk.Tiles.Select(t => t.Index));
        var sprite = _temp.Combine("out", "storyboard.jpg");

        var result = await TestMedia.Encoder().ComposeStoryboardAsync([.. chunk.Tiles.Select(t => t.LocalPath)], 3, sprite, CancellationToken.None);

        Assert.Equal(new StoryboardResult(sprite, 8, 3, 3, 80, 46), result);
        Assert.Equal((3 * 80, 3 * 46), await MediaInspector.VideoSizeAsync(sprite));
        // Each cell holds its tile: cut them out again and read the frame numbers.
        for (var i = 0; i < 8; i++)
        {
            var cell = _temp.Combine($"cell-{i}.png");
            await FfmpegTools.FfmpegAsync("-v", "error", "-y", "-i", sprite, "-vf", $"crop=80:46:{i % 3 * 80}:{i / 3 * 46}", "-frames:v", "1", cell);
            Assert.Equal(CodedClip.FrameAtOrAfter(i * 1.5, Ntsc), await CodedClip.FrameNumberAsync(cell));
        }

        Assert.False(Directory.Exists(sprite + ".tiles"));
    }

    [Fact]
    public async Task Composing_few_tiles_uses_only_the_columns_it_needs_and_refuses_mixed_sizes()
    {
        var clip = MediaInput.LocalFile(await CodedClip.GetAsync("30000/1001", 13));
        var chunk = await TestMedia.Encoder().EncodeChunkAsync(
            new ChunkEncodeJob(clip, 0, 4, 0, 4, [Rung90], _temp.Path) { Images = new ChunkImages(2, 80, 46, 1, 60) },
            _ => Task.CompletedTask,
            null,
            CancellationToken.None);
        var tiles = chunk.Tiles.Select(t => t.LocalPath).ToList();

        // A '%' in the sprite's path (and so in the staged tiles' directory) is a plain character.
        var result = await TestMedia.Encoder().ComposeStoryboardAsync(tiles, 10, _temp.Combine("sb%d.jpg"), CancellationToken.None);

        Assert.Equal((2, 2, 1, 80, 46), (result.TileCount, result.Columns, result.Rows, result.TileWidth, result.TileHeight));
        Assert.Equal((160, 46), await MediaInspector.VideoSizeAsync(result.SpritePath, "-pattern_type", "none"));
        await Assert.ThrowsAsync<ArgumentException>(
            () => TestMedia.Encoder().ComposeStoryboardAsync([tiles[0], chunk.PosterPath!], 10, _temp.Combine("mixed.jpg"), CancellationToken.None));
    }

    [Fact]
    public void Jpeg_sizes_come_from_the_frame_header()
    {
        // SOI, APP0 (JFIF, 16 bytes), SOF0 with height 46 and width 80.
        byte[] jpeg =
        [
            0xFF, 0xD8,
            0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
            0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x2E, 0x00, 0x50, 0x03,
        ];

        Assert.Equal((80, 46), JpegHeader.TryReadSize(jpeg));
        Assert.Null(JpegHeader.TryReadSize(jpeg.AsSpan(0, 22)));
        Assert.Null(JpegHeader.TryReadSize("GIF89a"u8));
        Assert.Null(JpegHeader.TryReadSize([0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x08]));
    }

    /// <summary>IProgress that reports inline (Progress&lt;T&gt; posts to the thread pool, out of order).</summary>
    private sealed class SyncProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
