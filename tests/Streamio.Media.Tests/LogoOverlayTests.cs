using System.Collections.Concurrent;
using Streamio.Testing;

namespace Streamio.Media.Tests;

public sealed class LogoOverlayTests : IDisposable
{
    private readonly TempDirectory _temp = new("logo");

    public void Dispose() => _temp.Dispose();

    private static ChunkEncodeJob Job(string clip, string workDirectory, LogoOverlay? logo) =>
        new(MediaInput.LocalFile(clip), 0, 4, 0, 2, [new Rung("360p", 640, 360, 800), new Rung("180p", 320, 180, 300)], workDirectory) { Logo = logo };

    [Fact]
    public void The_logo_is_a_second_input_fenced_to_one_local_png_after_the_sources_seek()
    {
        var job = Job("/clips/in.mp4", "/work/c", new LogoOverlay("/work/c/logo.png", LogoCorner.TopRight, 0.1, 0.5));

        var args = FfmpegArguments.Chunk(job, new FfmpegOptions(), progress: false);

        var inputs = args.Select((arg, i) => (arg, i)).Where(p => p.arg == "-i").Select(p => args[p.i + 1]).ToList();
        Assert.Equal(["file:/clips/in.mp4", "file:/work/c/logo.png"], inputs);
        var logoInput = args.ToList().LastIndexOf("-i");
        Assert.Equal(["-protocol_whitelist", "file", "-format_whitelist", "png_pipe", "-f", "png_pipe"], args.Skip(logoInput - 6).Take(6));
        // The source's seek and read bound come before its own -i, so they never apply to the logo.
        Assert.True(args.ToList().IndexOf("-ss") < args.ToList().IndexOf("-i"));
    }

    [Fact]
    public void Each_rung_draws_the_logo_at_its_own_width_in_the_chosen_corner_with_the_opacity()
    {
        var job = Job("/clips/in.mp4", "/work/c", new LogoOverlay("/work/c/logo.png", LogoCorner.BottomLeft, 0.1, 0.5));

        var graph = FfmpegArguments.ChunkFilterGraph(job, progress: false);

        Assert.Contains("[1:v:0]format=rgba,colorchannelmixer=aa=0.5,split=2[logo0][logo1]", graph);
        Assert.Contains("[logo0]scale=64:-2[logo0s]", graph);
        Assert.Contains("[logo1]scale=32:-2[logo1s]", graph);
        // Margin: 3% of the rung's height (11 px on 360p, 5 px on 180p), from the left and the bottom.
        Assert.Contains("[base0][logo0s]overlay=x=11:y=H-h-11:eof_action=repeat,format=yuv420p[v0]", graph);
        Assert.Contains("[base1][logo1s]overlay=x=5:y=H-h-5:eof_action=repeat,format=yuv420p[v1]", graph);
    }

    [Fact]
    public void Without_a_logo_the_graph_and_inputs_are_unchanged()
    {
        var args = FfmpegArguments.Chunk(Job("/clips/in.mp4", "/work/c", null), new FfmpegOptions(), progress: false);

        Assert.Single(args, arg => arg == "-i");
        Assert.DoesNotContain("overlay", string.Join(' ', args));
    }

    [Theory]
    [InlineData(0.01, 0.5)]
    [InlineData(0.6, 0.5)]
    [InlineData(0.1, 0.0)]
    [InlineData(0.1, 1.5)]
    [InlineData(double.NaN, 0.5)]
    public void Out_of_range_settings_are_refused_before_ffmpeg_runs(double scale, double opacity)
    {
        var job = Job("/clips/in.mp4", "/work/c", new LogoOverlay("/work/c/logo.png", LogoCorner.TopLeft, scale, opacity));

        Assert.Throws<ArgumentException>(() => FfmpegArguments.Chunk(job, new FfmpegOptions(), progress: false));
    }

    [Fact]
    public void Png_sizes_come_from_the_header_and_anything_else_is_not_a_png()
    {
        byte[] header = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 0, 0, 1, 0x2C, 0, 0, 0, 0x64];

        Assert.Equal((300, 100), PngHeader.TryReadSize(header));
        Assert.Null(PngHeader.TryReadSize(header.AsSpan(0, 20)));
        Assert.Null(PngHeader.TryReadSize("GIF89a not a png at all, just bytes"u8));
        var zeroWidth = header.ToArray();
        zeroWidth[18] = zeroWidth[19] = 0;
        Assert.Null(PngHeader.TryReadSize(zeroWidth));
    }

    [Fact]
    public async Task Every_frame_of_every_rung_carries_the_logo_in_its_corner_and_nowhere_else()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 4, Width: 640, Height: 360, WithAudio: false));
        var logoPath = Path.Combine(_temp.Path, "red.png");
        await FfmpegTools.FfmpegAsync("-v", "error", "-f", "lavfi", "-i", "color=c=red:s=200x100", "-frames:v", "1", "-y", logoPath);
        var work = Path.Combine(_temp.Path, "chunk");
        var segments = new ConcurrentQueue<ClosedSegment>();

        // A chunk in the middle of the timeline: the logo (one frame at t=0) must still be drawn from 2 s on.
        var job = new ChunkEncodeJob(MediaInput.LocalFile(clip), 2, 2, 1, 2, [new Rung("360p", 640, 360, 800), new Rung("180p", 320, 180, 300)], work)
        {
            Logo = new LogoOverlay(logoPath, LogoCorner.TopRight, 0.25, 1),
        };
        await TestMedia.Encoder().EncodeChunkAsync(job, s => { segments.Enqueue(s); return Task.CompletedTask; }, null, CancellationToken.None);

        Assert.Equal(2, segments.Count);
        foreach (var segment in segments)
        {
            // The logo is 25% of the width (160x80 on 360p, 80x40 on 180p), 3% of the height from the top-right edges.
            var corner = await MediaInspector.RegionColorsAsync(segment.LocalPath, "iw*0.2:ih*0.15:iw*0.77:ih*0.06");
            var opposite = await MediaInspector.RegionColorsAsync(segment.LocalPath, "iw*0.2:ih*0.15:iw*0.03:ih*0.06");
            Assert.Equal(60, corner.Count);
            Assert.All(corner, color => Assert.True(color.R > 200 && color.G < 60 && color.B < 60, $"{segment.Rendition} #{segment.Index}: {color} is not the red logo"));
            Assert.Contains(opposite, color => !(color.R > 200 && color.G < 60 && color.B < 60));
        }
    }

    [Fact]
    public async Task A_half_transparent_logo_blends_with_the_picture()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 2, Width: 320, Height: 180, WithAudio: false));
        var logoPath = Path.Combine(_temp.Path, "white.png");
        await FfmpegTools.FfmpegAsync("-v", "error", "-f", "lavfi", "-i", "color=c=white:s=100x100", "-frames:v", "1", "-y", logoPath);
        var plainWork = Path.Combine(_temp.Path, "plain");
        var logoWork = Path.Combine(_temp.Path, "with-logo");
        var encoder = TestMedia.Encoder();
        var plain = new ChunkEncodeJob(MediaInput.LocalFile(clip), 0, 2, 0, 2, [new Rung("180p", 320, 180, 600)], plainWork);
        await encoder.EncodeChunkAsync(plain, _ => Task.CompletedTask, null, CancellationToken.None);
        await encoder.EncodeChunkAsync(plain with { WorkDirectory = logoWork, Logo = new LogoOverlay(logoPath, LogoCorner.BottomRight, 0.3, 0.5) },
            _ => Task.CompletedTask, null, CancellationToken.None);

        const string region = "iw*0.2:ih*0.2:iw*0.75:ih*0.6";
        var under = await MediaInspector.RegionColorsAsync(Path.Combine(plainWork, "180p", "0.ts"), region);
        var over = await MediaInspector.RegionColorsAsync(Path.Combine(logoWork, "180p", "0.ts"), region);

        // Half-way to white: each channel about (under + 255) / 2, never fully white.
        Assert.Equal(under.Count, over.Count);
        foreach (var (before, after) in under.Zip(over))
        {
            Assert.InRange(after.G, (before.G + 255) / 2 - 25, (before.G + 255) / 2 + 25);
        }
        Assert.Contains(over, color => color.G < 245);
    }

    [Fact]
    public async Task A_file_that_only_looks_like_a_png_is_refused_by_the_logo_check()
    {
        var encoder = TestMedia.Encoder();
        var good = Path.Combine(_temp.Path, "good.png");
        await FfmpegTools.FfmpegAsync("-v", "error", "-f", "lavfi", "-i", "color=c=blue:s=40x20", "-frames:v", "1", "-y", good);
        var broken = Path.Combine(_temp.Path, "broken.png");
        var bytes = await File.ReadAllBytesAsync(good);
        // A valid signature and header, then garbage where the image data should be.
        await File.WriteAllBytesAsync(broken, [.. bytes.Take(33), .. Enumerable.Repeat((byte)0x5A, 200)]);

        await encoder.CheckLogoAsync(good, CancellationToken.None);
        await Assert.ThrowsAsync<MediaToolException>(() => encoder.CheckLogoAsync(broken, CancellationToken.None));
    }
}
