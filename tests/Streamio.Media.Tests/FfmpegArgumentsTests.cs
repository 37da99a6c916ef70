namespace Streamio.Media.Tests;

public sealed class FfmpegArgumentsTests
{
    private static readonly FfmpegOptions Options = new();

    private static readonly ChunkEncodeJob Chunk = new(
        MediaInput.LocalFile("/data/src/video"),
        StartSeconds: 8,
        DurationSeconds: 8,
        FirstSegmentIndex: 2,
        SegmentSeconds: 4,
        Outputs: [new Rung("360p", 640, 360, 800), new Rung("2160p", 3840, 2160, 12000)],
        WorkDirectory: "/work/v1");

    [Fact]
    public void Every_input_is_fenced_in()
    {
        var args = FfmpegArguments.InputHardening(MediaInput.LocalFile("/x.mp4"), Options);

        Assert.Equal(
            ["-protocol_whitelist", "file", "-format_whitelist", "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm",
             "-probesize", "50000000", "-analyzeduration", "20000000", "-max_streams", "16"],
            args);
    }

    [Fact]
    public void Streamios_own_renditions_may_use_the_mpegts_demuxer_and_nothing_else()
    {
        var args = FfmpegArguments.InputHardening(MediaInput.OwnRendition("/scratch/rendition.ts"), Options);

        Assert.Equal("mpegts", ValueAfter(args, "-format_whitelist"));
        Assert.Equal("file", ValueAfter(args, "-protocol_whitelist"));
    }

    [Fact]
    public void Network_inputs_get_their_protocols_joined_and_a_read_timeout()
    {
        var args = FfmpegArguments.InputHardening(new MediaInput("https://s3/x?sig", ["https", "tls", "tcp"]), Options);

        Assert.Equal("https,tls,tcp", ValueAfter(args, "-protocol_whitelist"));
        Assert.Equal("30000000", ValueAfter(args, "-rw_timeout"));
    }

    [Theory]
    [InlineData("/data/a.mp4", "file:/data/a.mp4")]
    [InlineData("file:/data/a.mp4", "file:/data/a.mp4")]
    [InlineData("/data/-y", "file:/data/-y")]
    [InlineData("/data/concat:a|b", "file:/data/concat:a|b")]
    public void Local_inputs_are_explicit_files(string location, string expected) =>
        Assert.Equal(expected, FfmpegArguments.InputLocation(MediaInput.LocalFile(location)));

    [Fact]
    public void Relative_local_inputs_become_absolute_files() =>
        Assert.Equal("file:" + Path.GetFullPath("-i"), FfmpegArguments.InputLocation(MediaInput.LocalFile("-i")));

    [Fact]
    public void Network_inputs_are_passed_as_given() =>
        Assert.Equal("https://s3/x?sig", FfmpegArguments.InputLocation(new MediaInput("https://s3/x?sig", ["https", "tls", "tcp"])));

    [Fact]
    public void Probe_asks_for_json_format_and_streams_with_the_hardening()
    {
        var args = FfmpegArguments.Probe(MediaInput.LocalFile("/x.mp4"), Options);

        Assert.Equal(["-hide_banner", "-v", "error", "-print_format", "json", "-show_format", "-show_streams"], args.Take(7));
        Assert.Equal("file", ValueAfter(args, "-protocol_whitelist"));
        Assert.Equal("mov,mp4,m4a,3gp,3g2,mj2,matroska,webm", ValueAfter(args, "-format_whitelist"));
        Assert.Equal("file:/x.mp4", args[^1]);
        Assert.Equal("-i", args[^2]);
    }

    [Fact]
    public void Chunk_seeks_before_the_input_on_the_source_timeline()
    {
        var args = FfmpegArguments.Chunk(Chunk, Options);
        var input = IndexOf(args, "-i");

        Assert.True(IndexOf(args, "-ss") < input);
        Assert.Equal("8", ValueAfter(args, "-ss"));
        Assert.True(IndexOf(args, "-t") < input);
        Assert.Equal("9", ValueAfter(args, "-t"));
        Assert.True(IndexOf(args, "-copyts") < input);
        Assert.True(IndexOf(args, "-start_at_zero") < input);
        Assert.True(IndexOf(args, "-protocol_whitelist") < input);
        Assert.True(IndexOf(args, "-format_whitelist") < input);
        Assert.Equal("33177600", ValueAfter(args, "-max_pixels"));
        Assert.Equal("file:/data/src/video", ValueAfter(args, "-i"));
    }

    [Fact]
    public void Chunk_reports_progress_on_stdout_and_keeps_stdin_for_q()
    {
        var args = FfmpegArguments.Chunk(Chunk, Options);

        Assert.Equal(["-hide_banner", "-nostats", "-progress", "pipe:1", "-y"], args.Take(5));
        Assert.DoesNotContain("-nostdin", args);
        Assert.DoesNotContain("-threads", args);
    }

    [Fact]
    public void Chunk_decodes_once_and_splits_into_every_rung_plus_the_progress_sink()
    {
        var args = FfmpegArguments.Chunk(Chunk, Options);

        Assert.Equal(
            "[0:V:0]trim=start=8:end=16,split=3[s0][s1][progress];"
            + "[s0]scale=640:360,setsar=1,format=yuv420p[v0];"
            + "[s1]scale=3840:2160,setsar=1,format=yuv420p[v1]",
            ValueAfter(args, "-filter_complex"));
        Assert.Equal(["[v0]", "[v1]", "[progress]"], ValuesAfter(args, "-map"));
        Assert.Equal("null", ValuesAfter(args, "-f")[^1]);
    }

    [Fact]
    public void Chunk_encodes_each_rung_with_its_bitrate_level_and_keyframes_on_every_boundary()
    {
        var args = FfmpegArguments.Chunk(Chunk, Options);

        Assert.Equal(["libx264", "libx264"], ValuesAfter(args, "-c:v"));
        Assert.Equal(["veryfast", "veryfast"], ValuesAfter(args, "-preset"));
        Assert.Equal(["high", "high"], ValuesAfter(args, "-profile:v"));
        Assert.Equal(["4.0", "5.1"], ValuesAfter(args, "-level:v"));
        Assert.Equal(["800k", "12000k"], ValuesAfter(args, "-b:v"));
        Assert.Equal(["800k", "12000k"], ValuesAfter(args, "-maxrate"));
        Assert.Equal(["1600k", "24000k"], ValuesAfter(args, "-bufsize"));
        Assert.Equal(["8,12", "8,12"], ValuesAfter(args, "-force_key_frames"));
        Assert.Equal(["0", "0"], ValuesAfter(args, "-sc_threshold"));
        Assert.Equal(["1:90000", "1:90000"], ValuesAfter(args, "-enc_time_base"));
        Assert.Equal(2, args.Count(a => a == "-an"));
    }

    [Fact]
    public void Chunk_writes_hls_segments_named_by_absolute_index_into_the_rung_directory()
    {
        var args = FfmpegArguments.Chunk(Chunk, Options);

        Assert.Equal(["hls", "hls", "null"], ValuesAfter(args, "-f"));
        Assert.Equal(["2", "2"], ValuesAfter(args, "-start_number"));
        Assert.Equal(["/work/v1/360p/%d.ts", "/work/v1/2160p/%d.ts"], ValuesAfter(args, "-hls_segment_filename"));
        Assert.Equal(["0", "0"], ValuesAfter(args, "-hls_list_size"));
        Assert.Equal(["event", "event"], ValuesAfter(args, "-hls_playlist_type"));
        Assert.Equal(["mpegts", "mpegts"], ValuesAfter(args, "-hls_segment_type"));
        Assert.Equal(["avoid_negative_ts=disabled", "avoid_negative_ts=disabled"], ValuesAfter(args, "-hls_ts_options"));
        // The muxer splits on our keyframes: its own clock stays below any boundary.
        Assert.Equal(["0.1", "0.1"], ValuesAfter(args, "-hls_time"));
        Assert.Contains("/work/v1/360p/chunk-2.m3u8", args);
        Assert.Contains("/work/v1/2160p/chunk-2.m3u8", args);
    }

    [Theory]
    [InlineData(0, 12, 4, "0,4,8")]
    [InlineData(4, 8, 4, "4,8")]
    [InlineData(0, 10, 4, "0,4,8")]
    [InlineData(0, 2, 4, "0")]
    [InlineData(0.1, 0.3, 0.1, "0.1,0.2,0.3")]
    [InlineData(3600, 6, 2, "3600,3602,3604")]
    public void Force_key_frames_lists_every_boundary_in_source_time(double start, double duration, double segment, string expected) =>
        Assert.Equal(expected, FfmpegArguments.ForceKeyFrames(start, duration, segment));

    [Fact]
    public void Audio_encodes_the_whole_file_once_as_stereo_aac_on_the_same_timeline()
    {
        var args = FfmpegArguments.Audio(new AudioEncodeJob(MediaInput.LocalFile("/data/src"), 4, 128, "/work/v1"), Options);

        Assert.True(IndexOf(args, "-copyts") < IndexOf(args, "-i"));
        Assert.DoesNotContain("-ss", args);
        Assert.Equal(["0:a:0", "0:a:0"], ValuesAfter(args, "-map"));
        Assert.Equal("aac", ValueAfter(args, "-c:a"));
        Assert.Equal("128k", ValueAfter(args, "-b:a"));
        Assert.Equal("2", ValueAfter(args, "-ac"));
        Assert.Equal("48000", ValueAfter(args, "-ar"));
        Assert.Equal("4", ValueAfter(args, "-hls_time"));
        Assert.Equal("0", ValueAfter(args, "-start_number"));
        Assert.Equal("/work/v1/audio/%d.ts", ValueAfter(args, "-hls_segment_filename"));
        Assert.Contains("-vn", args);
        Assert.Contains("/work/v1/audio/index.m3u8", args);
    }

    [Fact]
    public void Poster_takes_one_frame_at_the_time_keeping_display_aspect()
    {
        var args = FfmpegArguments.Poster(MediaInput.LocalFile("/s.mp4"), 2.5, 360, "/out/poster.jpg", Options);

        Assert.True(IndexOf(args, "-ss") < IndexOf(args, "-i"));
        Assert.Equal("2.5", ValueAfter(args, "-ss"));
        Assert.Equal("scale=trunc(dar*360/2)*2:360,setsar=1", ValueAfter(args, "-vf"));
        Assert.Equal("1", ValueAfter(args, "-frames:v"));
        Assert.Equal("1", ValueAfter(args, "-update"));
        Assert.Equal("/out/poster.jpg", args[^1]);
    }

    [Fact]
    public void Storyboard_tiles_one_frame_per_interval_into_one_sprite()
    {
        var args = FfmpegArguments.Storyboard(MediaInput.LocalFile("/s.mp4"), new StoryboardSpec(2, 160, 90, 5), 3, "/out/sb.jpg", Options);

        Assert.Equal(
            "fps=1/2,scale=160:90:force_original_aspect_ratio=decrease:force_divisible_by=2,pad=160:90:(ow-iw)/2:(oh-ih)/2,setsar=1,tile=5x3",
            ValueAfter(args, "-vf"));
        Assert.Equal("1", ValueAfter(args, "-frames:v"));
        Assert.Equal("/out/sb.jpg", args[^1]);
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("360p%d")]
    public void Rendition_names_never_become_paths(string name) =>
        Assert.Throws<ArgumentException>(() => FfmpegArguments.Chunk(Chunk with { Outputs = [new Rung(name, 640, 360, 800)] }, Options));

    [Fact]
    public void Two_rungs_cannot_share_a_directory() =>
        Assert.Throws<ArgumentException>(() => FfmpegArguments.Chunk(Chunk with { Outputs = [new Rung("360p", 640, 360, 800), new Rung("360P", 640, 360, 900)] }, Options));

    [Fact]
    public void A_work_directory_with_a_pattern_character_is_refused() =>
        Assert.Throws<ArgumentException>(() => FfmpegArguments.Chunk(Chunk with { WorkDirectory = "/work/%d" }, Options));

    [Fact]
    public void Odd_sizes_are_refused_since_yuv420p_needs_even_ones() =>
        Assert.Throws<ArgumentException>(() => FfmpegArguments.Chunk(Chunk with { Outputs = [new Rung("x", 641, 360, 800)] }, Options));

    private static int IndexOf(IReadOnlyList<string> args, string flag)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == flag)
            {
                return i;
            }
        }

        Assert.Fail($"{flag} is missing from: {string.Join(' ', args)}");
        return -1;
    }

    private static string ValueAfter(IReadOnlyList<string> args, string flag) => args[IndexOf(args, flag) + 1];

    private static List<string> ValuesAfter(IReadOnlyList<string> args, string flag) =>
        args.Select((a, i) => (a, i)).Where(x => x.a == flag && x.i + 1 < args.Count).Select(x => args[x.i + 1]).ToList();
}
