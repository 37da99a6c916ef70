using System.Collections.Concurrent;
using Streamio.Media.Forensics;
using Streamio.Testing;
using Xunit.Abstractions;

namespace Streamio.Media.Tests.Forensics;

/// <summary>The forensic mark: its pattern, the A/B outputs of a chunk, and what they cost in picture quality.</summary>
public sealed class ForensicMarkTests(ITestOutputHelper output) : IDisposable
{
    private static readonly FfmpegOptions Options = new();

    private readonly TempDirectory _temp = new("forensic");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_marked_rung_reads_its_pattern_as_a_fenced_raw_frame_and_merges_it_into_its_own_branch()
    {
        var job = new ChunkEncodeJob(MediaInput.LocalFile("/data/src"), 8, 8, 2, 4,
            [new Rung("360p", 640, 360, 800), new Rung("360p-a", 640, 360, 800) { MarkPatternPath = "/work/v1/mark-a.yuv" }], "/work/v1");

        var args = FfmpegArguments.Chunk(job, Options, progress: false);

        var inputs = args.Select((arg, i) => (arg, i)).Where(pair => pair.arg == "-i").Select(pair => args[pair.i + 1]).ToList();
        Assert.Equal(["file:/data/src", "file:/work/v1/mark-a.yuv"], inputs);
        var pattern = args.ToList().IndexOf("file:/work/v1/mark-a.yuv");
        Assert.Equal(["-f", "rawvideo", "-pix_fmt", "yuv420p", "-video_size", "640x360", "-i"], args.Skip(pattern - 7).Take(7));
        Assert.Equal("rawvideo", args[args.ToList().LastIndexOf("-format_whitelist") + 1]);
        Assert.Equal("file", args[args.ToList().LastIndexOf("-protocol_whitelist") + 1]);
        var graph = args[args.ToList().IndexOf("-filter_complex") + 1];
        Assert.Contains(";[s0]scale=640:360,setsar=1,format=yuv420p[v0]", graph);
        Assert.Contains(";[s1]scale=640:360,setsar=1,format=yuv420p[m1];[m1][1:v]blend=all_mode=grainmerge[v1]", graph);
    }

    [Fact]
    public void With_a_logo_the_mark_goes_on_top_of_it_and_the_patterns_follow_the_logo_input()
    {
        var job = new ChunkEncodeJob(MediaInput.LocalFile("/data/src"), 0, 4, 0, 2,
            [new Rung("360p", 640, 360, 800), new Rung("360p-b", 640, 360, 800) { MarkPatternPath = "/work/v1/mark-b.yuv" }], "/work/v1")
        {
            Logo = new LogoOverlay("/work/v1/logo.png", LogoCorner.TopRight, 0.2, 1),
        };

        var args = FfmpegArguments.Chunk(job, Options, progress: false);

        var inputs = args.Select((arg, i) => (arg, i)).Where(pair => pair.arg == "-i").Select(pair => args[pair.i + 1]).ToList();
        Assert.Equal(3, inputs.Count);
        Assert.Equal("file:/work/v1/mark-b.yuv", inputs[2]);
        var graph = args[args.ToList().IndexOf("-filter_complex") + 1];
        Assert.Contains("eof_action=repeat,format=yuv420p[v0]", graph);
        Assert.Contains("eof_action=repeat,format=yuv420p[m1];[m1][2:v]blend=all_mode=grainmerge[v1]", graph);
    }

    [Fact]
    public void The_pattern_is_smooth_large_blocks_of_both_signs_its_own_for_each_video()
    {
        var pattern = new ForensicPattern("v_1");
        var samples = pattern.Sample(64, 36);
        Assert.All(samples, value => Assert.InRange(value, -1, 1));
        Assert.Contains(samples, value => value > 0.9);
        Assert.Contains(samples, value => value < -0.9);
        // Smooth: neighbouring samples never jump by more than one cell's cosine slope allows.
        for (var i = 1; i < 64; i++)
        {
            Assert.InRange(Math.Abs(samples[i] - samples[i - 1]), 0, 0.4);
        }
        Assert.Equal(samples, new ForensicPattern("v_1").Sample(64, 36));
        Assert.NotEqual(samples, new ForensicPattern("v_2").Sample(64, 36));

        var a = pattern.Yuv420Frame(64, 36, 3, 1);
        var b = pattern.Yuv420Frame(64, 36, 3, -1);
        Assert.Equal(64 * 36 * 3 / 2, a.Length);
        Assert.All(a.Take(64 * 36), luma => Assert.InRange(luma, 125, 131));
        Assert.All(a.Skip(64 * 36), chroma => Assert.Equal(128, chroma));
        Assert.All(Enumerable.Range(0, 64 * 36), i => Assert.Equal(256, a[i] + b[i]));
    }

    [Fact]
    public void A_viewers_code_is_fixed_balanced_and_their_own()
    {
        var key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var alice = Enumerable.Range(0, 1000).Select(i => ForensicCode.UsesA(key, "v_1", "alice", i)).ToList();
        Assert.Equal(alice, Enumerable.Range(0, 1000).Select(i => ForensicCode.UsesA(key, "v_1", "alice", i)));
        Assert.InRange(alice.Count(usesA => usesA), 430, 570);
        var bob = Enumerable.Range(0, 1000).Select(i => ForensicCode.UsesA(key, "v_1", "bob", i)).ToList();
        Assert.InRange(alice.Zip(bob).Count(pair => pair.First == pair.Second), 430, 570);
        var otherVideo = Enumerable.Range(0, 1000).Select(i => ForensicCode.UsesA(key, "v_2", "alice", i)).ToList();
        Assert.InRange(alice.Zip(otherVideo).Count(pair => pair.First == pair.Second), 430, 570);
    }

    [Theory]
    [InlineData(0, 10, 0.5)]
    [InlineData(2.228, 10, 0.025)]
    [InlineData(-2.228, 10, 0.975)]
    [InlineData(3.169, 10, 0.005)]
    [InlineData(1.96, 100_000, 0.025)]
    public void The_t_tail_matches_the_tables(double t, int degrees, double expected) =>
        Assert.Equal(expected, LeakAnalysis.TailProbability(t, degrees), 3);

    [Fact]
    public async Task Copies_A_and_B_come_from_the_same_decode_with_the_same_segments_and_a_mark_no_one_sees()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 4, Width: 640, Height: 360, WithAudio: false));
        var pattern = new ForensicPattern("v_psnr");
        string Write(string name, int sign)
        {
            var path = Path.Combine(_temp.Path, name);
            File.WriteAllBytes(path, pattern.Yuv420Frame(640, 360, 3, sign));
            return path;
        }
        var job = new ChunkEncodeJob(MediaInput.LocalFile(clip), 0, 4, 0, 2,
            [
                new Rung("360p", 640, 360, 1000),
                new Rung("360p-a", 640, 360, 1000) { MarkPatternPath = Write("a.yuv", 1) },
                new Rung("360p-b", 640, 360, 1000) { MarkPatternPath = Write("b.yuv", -1) },
            ], Path.Combine(_temp.Path, "out"));
        var segments = new ConcurrentQueue<ClosedSegment>();

        await TestMedia.Encoder().EncodeChunkAsync(job, segment => { segments.Enqueue(segment); return Task.CompletedTask; }, null, CancellationToken.None);

        foreach (var rung in new[] { "360p", "360p-a", "360p-b" })
        {
            Assert.Equal([(0, 2.0), (1, 2.0)], segments.Where(s => s.Rendition == rung).OrderBy(s => s.Index).Select(s => (s.Index, s.DurationSeconds)));
        }
        string Path0(string rung) => segments.Single(s => s.Rendition == rung && s.Index == 0).LocalPath;
        var aPlain = await MediaInspector.PsnrAsync(Path0("360p-a"), Path0("360p"));
        var bPlain = await MediaInspector.PsnrAsync(Path0("360p-b"), Path0("360p"));
        var ab = await MediaInspector.PsnrAsync(Path0("360p-a"), Path0("360p-b"));
        output.WriteLine($"PSNR luma (average): A vs plain {aPlain.Luma:0.0} ({aPlain.Average:0.0}) dB, B vs plain {bPlain.Luma:0.0} ({bPlain.Average:0.0}) dB, A vs B {ab.Luma:0.0} ({ab.Average:0.0}) dB");
        Assert.True(aPlain.Luma >= 38 && bPlain.Luma >= 38, $"A {aPlain.Luma} dB, B {bPlain.Luma} dB");
        Assert.True(ab.Luma < aPlain.Luma, "A and B differ by twice the mark");
    }
}
