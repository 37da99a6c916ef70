using Streamio.Media.Live;

namespace Streamio.Media.Tests.Live;

public sealed class LiveArgumentsTests
{
    private static LiveEncodeJob Job(string container = "mpegts", double offset = 0) => new(
        container,
        [new LiveRung("720p", 1280, 720, 3000, 12), new LiveRung("360p", 640, 360, 800, 12)],
        new LiveAudio("audio", 128, 13),
        1,
        offset,
        "/tmp/live-work");

    [Fact]
    public void One_run_reads_stdin_in_the_publishers_container_and_nothing_else()
    {
        var args = LiveArguments.Encode(Job("flv"), "veryfast");

        Assert.Equal(["-protocol_whitelist", "pipe", "-format_whitelist", "flv"], args.Skip(3).Take(4));
        var input = args.ToList().IndexOf("-i");
        Assert.Equal(["-f", "flv", "-i", "pipe:0"], args.Skip(input - 2).Take(4));
        Assert.Single(args, arg => arg == "-i");
    }

    [Fact]
    public void Every_rung_is_split_from_one_decode_with_keyframes_on_segment_boundaries_only()
    {
        var args = LiveArguments.Encode(Job(), "veryfast").ToList();

        Assert.Equal(
            "[0:v:0]split=2[s0][s1];[s0]scale=1280:720,format=yuv420p[v0];[s1]scale=640:360,format=yuv420p[v1]",
            args[args.IndexOf("-filter_complex") + 1]);
        Assert.Equal(2, args.Count(arg => arg == "zerolatency"));
        Assert.Equal(2, args.Count(arg => arg == "libx264"));
        Assert.Equal(2, args.Count(arg => arg == "-sc_threshold"));
        Assert.Contains("expr:if(isnan(prev_forced_t),1,gte(t-prev_forced_t+0.000001,1))", args);
        Assert.Equal(["-map", "[v1]"], args.Skip(args.LastIndexOf("[v1]") - 1).Take(2));
    }

    [Fact]
    public void Each_rendition_numbers_its_segments_from_its_own_first_index_on_the_sessions_timeline()
    {
        var args = LiveArguments.Encode(Job(offset: 12.5), "veryfast").ToList();

        var starts = args.Select((arg, i) => (arg, i)).Where(pair => pair.arg == "-start_number").Select(pair => args[pair.i + 1]).ToList();
        Assert.Equal(["12", "12", "13"], starts);
        Assert.Equal(3, args.Count(arg => arg == "12.5"));
        Assert.Contains(Path.Combine("/tmp/live-work", "audio", "%d.ts"), args);
        Assert.Contains(LiveArguments.PlaylistPath("/tmp/live-work", "360p"), args);
        Assert.Equal(["-c:a", "aac", "-b:a", "128k"], args.Skip(args.IndexOf("-c:a")).Take(4));
    }

    [Theory]
    [InlineData("mp4")]
    [InlineData("hls")]
    public void A_container_other_than_flv_or_mpegts_is_refused(string container)
    {
        var error = Assert.Throws<ArgumentException>(() => LiveArguments.Encode(Job(container), "veryfast"));

        Assert.Contains(container, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ladder_without_video_is_refused()
    {
        Assert.Throws<ArgumentException>(() => LiveArguments.Encode(Job() with { Rungs = [] }, "veryfast"));
    }

    [Fact]
    public void The_probe_reads_streams_from_stdin_only()
    {
        Assert.Equal(
            ["-hide_banner", "-v", "error", "-print_format", "json", "-show_streams", "-protocol_whitelist", "pipe", "-format_whitelist", "mpegts",
                "-probesize", "1000000", "-analyzeduration", "1000000", "-max_streams", "8", "-f", "mpegts", "-i", "pipe:0"],
            LiveArguments.Probe("mpegts"));
    }

    [Fact]
    public void The_probe_reads_the_first_video_stream_and_notices_audio()
    {
        const string json = """
            {"streams":[{"codec_type":"audio","codec_name":"aac"},{"codec_type":"video","codec_name":"h264","width":1280,"height":720,"avg_frame_rate":"30000/1001","r_frame_rate":"30/1"}]}
            """;

        var source = LiveSourceProbe.Interpret(json);

        Assert.Equal(new LiveSource("h264", 1280, 720, 30000 / 1001.0, true), source);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"streams":[{"codec_type":"audio"}]}""")]
    [InlineData("""{"streams":[{"codec_type":"video","width":0,"height":0}]}""")]
    public void A_stream_without_a_sized_picture_is_no_source(string json)
    {
        Assert.Null(LiveSourceProbe.Interpret(json));
    }
}
