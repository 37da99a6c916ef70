using Streamio.Testing;

namespace Streamio.Media.Tests;

public sealed class KeyframeIndexTests : IDisposable
{
    private readonly TempDirectory _temp = new("keyframes");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_listing_gives_each_keyframes_pts_in_seconds_and_skips_packets_flagged_otherwise()
    {
        const string listing = """
            #extradata 0:       46, 0x514c1033
            #software: Lavf59.27.100
            #tb 0: 1/15360
            #media_type 0: video
            0,      -1024,          0,      512,    61750, 0x3c3e0328
            0,       -512,        512,      512,    47308, 0xad0b2713, F=0x0
            0,     152576,     153600,      512,    63144, 0x78ea411b
            0,     306176,     308224,      512,    63150, 0xb2f63db2, F=0x1
            1,     306176,     999999,      512,    63150, 0xb2f63db2
            """;

        Assert.Equal([0, 10, 20.066667], KeyframeIndex.Parse(listing));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0, 0, 0, 512, 100, 0x0")]
    [InlineData("#tb 0: 1/0\n0, 0, 0, 512, 100, 0x0")]
    [InlineData("#tb 0: 1/90000\nnot a packet")]
    public void A_listing_without_a_time_base_or_packets_gives_no_keyframes(string listing) =>
        Assert.Empty(KeyframeIndex.Parse(listing));

    [Fact]
    public void Ffmpeg_is_asked_for_the_keyframe_packets_of_the_first_video_stream_copied_on_the_chunks_timeline()
    {
        var args = FfmpegArguments.Keyframes(MediaInput.LocalFile("/data/src"), new FfmpegOptions(), "/work/v1/keyframes.crc");

        Assert.True(args.ToList().IndexOf("-discard") < args.ToList().IndexOf("-i"));
        Assert.Equal("nokey", args[args.ToList().IndexOf("-discard") + 1]);
        Assert.Contains("-copyts", args);
        Assert.Contains("-start_at_zero", args);
        Assert.Equal(["-map", "0:V:0", "-c", "copy", "-f", "framecrc", "file:/work/v1/keyframes.crc"], args.TakeLast(7));
        Assert.Contains("-protocol_whitelist", args);
    }

    [Theory]
    [InlineData(ClipContainer.Mp4)]
    [InlineData(ClipContainer.Mkv)]
    [InlineData(ClipContainer.Webm)]
    public async Task A_real_source_lists_its_keyframes(ClipContainer container)
    {
        // 12 s with a keyframe every 150 frames at 30 fps: at 0, 5 and 10 s.
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 12, Container: container, Gop: 150));

        var keyframes = await TestMedia.Prober().KeyframesAsync(MediaInput.LocalFile(clip), _temp.Combine("scan"), TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.Equal(3, keyframes.Count);
        Assert.All(keyframes.Zip([0.0, 5, 10]), pair => Assert.Equal(pair.Second, pair.First, 0.05));
        Assert.False(File.Exists(_temp.Combine("scan/keyframes.crc")));
    }

    [Fact]
    public async Task A_source_ffmpeg_cannot_read_is_a_tool_error()
    {
        var garbage = _temp.Combine("garbage.mp4");
        await File.WriteAllBytesAsync(garbage, new byte[4096]);

        await Assert.ThrowsAsync<MediaToolException>(() =>
            TestMedia.Prober().KeyframesAsync(MediaInput.LocalFile(garbage), _temp.Combine("scan"), TimeSpan.FromSeconds(30), CancellationToken.None));
    }
}
