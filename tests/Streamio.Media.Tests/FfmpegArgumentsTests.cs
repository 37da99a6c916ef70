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
    public void A_rung_that_leaves_its_width_to_ffmpeg_scales_by_the_source_aspect_and_takes_no_logo()
    {
        var early = Chunk with { Outputs = [new Rung("early", 0, 360, 800) { WidthFromSource = true }] };

        var graph = FfmpegArguments.ChunkFilterGraph(early, progress: false);
        var args = FfmpegArguments.Chunk(early, Options, progress: false);

        Assert.Contains("[s0]scale='max(2,round(360*iw/ih/2)*2)':360,setsar=1,format=yuv420p[v0]", graph);
        Assert.Equal("4.0", ValueAfter(args, "-level:v"));
        var withLogo = early with { Logo = new LogoOverlay("/work/logo.png", LogoCorner.TopRight, 0.1, 1) };
        Assert.Contains("cannot take a logo", Assert.Throws<ArgumentException>(() => FfmpegArguments.ChunkFilterGraph(withLogo, progress: false)).Message);
    }

    [Theory]
    [InlineData(360, 1920, 1080, 640)]
    [InlineData(240, 850, 480, 426)] // 212.5 pairs of pixels: halves go away from zero, as FFmpeg's round() does
    [InlineData(240, 360, 640, 136)] // portrait: 67.5 pairs
    [InlineData(360, 480, 360, 480)]
    [InlineData(360, 1, 1000, 2)] // at least 2
    public void The_source_aspect_width_is_even_and_rounds_halves_away_from_zero(int height, int sourceWidth, int sourceHeight, int expected)
    {
        Assert.Equal(expected, FfmpegArguments.SourceAspectWidth(height, sourceWidth, sourceHeight));
    }

    [Fact]
    public void Every_input_is_fenced_in()
    {
        var args = FfmpegArguments.InputHardening(MediaInput.LocalFile("/x.mp4"), Options);

        Assert.Equal(
            ["-protocol_whitelist", "file", "-format_whitelist", "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,mpegts",
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

    [Fact]
    public void A_growing_upload_is_read_over_http_with_a_short_analysis_and_a_long_read_timeout()
    {
        var args = FfmpegArguments.InputHardening(MediaInput.GrowingUpload("http://api:8080/internal/sources/v_1?exp=1&sig=s"), Options);

        Assert.Equal("http,tcp", ValueAfter(args, "-protocol_whitelist"));
        Assert.Equal("600000000", ValueAfter(args, "-rw_timeout"));
        Assert.Equal("2000000", ValueAfter(args, "-analyzeduration"));
        Assert.Equal("5000000", ValueAfter(args, "-probesize"));
    }

    [Fact]
    public void A_chunk_of_a_growing_upload_from_its_start_does_not_seek()
    {
        var growing = Chunk with { Input = MediaInput.GrowingUpload("http://api:8080/internal/sources/v_1?exp=1&sig=s"), StartSeconds = 0 };

        Assert.DoesNotContain("-ss", FfmpegArguments.Chunk(growing, Options, progress: false));
        Assert.Equal("0", ValueAfter(FfmpegArguments.Chunk(Chunk with { StartSeconds = 0 }, Options, progress: false), "-ss"));
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
        Assert.Equal("mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,mpegts", ValueAfter(args, "-format_whitelist"));
        Assert.Equal("file:/x.mp4", args[^1]);
        Assert.Equal("-i", args[^2]);
    }

    [Fact]
    public void Chunk_seeks_before_the_input_on_the_source_timeline()
    {
        var args = FfmpegArguments.Chunk(Chunk, Options, progress: true);
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
        var args = FfmpegArguments.Chunk(Chunk, Options, progress: true);

        Assert.Equal(["-hide_banner", "-nostats", "-progress", "pipe:1", "-y"], args.Take(5));
        Assert.DoesNotContain("-nostdin", args);
        Assert.DoesNotContain("-threads", args);
    }

    [Fact]
    public void Chunk_decodes_once_and_splits_into_every_rung_plus_the_progress_sink()
    {
        var args = FfmpegArguments.Chunk(Chunk, Options, progress: true);

        Assert.Equal(
            "[0:V:0]trim=start=8:end=16,split=3[s0][s1][progress];"
            + "[s0]scale=640:360,setsar=1,format=yuv420p[v0];"
            + "[s1]scale=3840:2160,setsar=1,format=yuv420p[v1]",
            ValueAfter(args, "-filter_complex"));
        Assert.Equal(["[v0]", "[v1]", "[progress]"], ValuesAfter(args, "-map"));
        Assert.Equal("null", ValuesAfter(args, "-f")[^1]);
    }

    [Fact]
    public void Chunk_gives_each_rungs_encoder_the_threads_it_was_given_and_otherwise_leaves_them_to_ffmpeg()
    {
        Assert.DoesNotContain("-threads", FfmpegArguments.Chunk(Chunk, Options, progress: false));

        var args = FfmpegArguments.Chunk(Chunk with { EncoderThreads = 3 }, Options, progress: false).ToList();

        Assert.Equal(["3", "3"], ValuesAfter(args, "-threads"));
        // An output option of each encoder, after its codec, never an input option.
        Assert.True(args.IndexOf("-threads") > args.IndexOf("-i"));
        Assert.Equal("-preset", args[args.IndexOf("-threads") - 2]);
    }

    [Fact]
    public void Chunk_encodes_each_rung_with_its_bitrate_level_and_keyframes_on_every_boundary()
    {
        var args = FfmpegArguments.Chunk(Chunk, Options, progress: true);

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
        var args = FfmpegArguments.Chunk(Chunk, Options, progress: true);

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

    [Theory]
    [InlineData(0, 13, 4, 1, "0,1,5,9")]
    [InlineData(0, 12, 4, 1, "0,1,5,9")]
    [InlineData(0, 1, 4, 1, "0")]
    [InlineData(0, 0.5, 4, 1, "0")]
    [InlineData(0, 12, 4, 4, "0,4,8")]
    [InlineData(0, 12, 4, 0, "0,4,8")]
    // A chunk that starts later has whole segments whatever the timeline's first one is.
    [InlineData(5, 8, 4, 1, "5,9")]
    public void A_chunk_that_starts_the_timeline_has_its_short_first_segment(double start, double duration, double segment, double first, string expected) =>
        Assert.Equal(expected, FfmpegArguments.ForceKeyFrames(start, duration, segment, first));

    [Fact]
    public void Audio_encodes_the_whole_file_once_as_stereo_aac_on_the_same_timeline()
    {
        var args = FfmpegArguments.Audio(new AudioEncodeJob(MediaInput.LocalFile("/data/src"), 4, 128, "/work/v1"), Options, progress: true);

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
    public void A_poster_from_an_own_rendition_is_seeked_after_decoding_not_by_the_demuxer()
    {
        var args = FfmpegArguments.Poster(MediaInput.OwnRendition("/r.ts"), 0.1, 360, "/out/poster.jpg", Options);

        Assert.True(IndexOf(args, "-ss") > IndexOf(args, "-i"));
        Assert.Equal("0.1", ValueAfter(args, "-ss"));
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
        Assert.Throws<ArgumentException>(() => FfmpegArguments.Chunk(Chunk with { Outputs = [new Rung(name, 640, 360, 800)] }, Options, progress: false));

    [Fact]
    public void Two_rungs_cannot_share_a_directory() =>
        Assert.Throws<ArgumentException>(() => FfmpegArguments.Chunk(Chunk with { Outputs = [new Rung("360p", 640, 360, 800), new Rung("360P", 640, 360, 900)] }, Options, progress: false));

    [Fact]
    public void A_work_directory_with_a_pattern_character_is_refused() =>
        Assert.Throws<ArgumentException>(() => FfmpegArguments.Chunk(Chunk with { WorkDirectory = "/work/%d" }, Options, progress: false));

    [Theory]
    [InlineData(-1)]
    [InlineData(4.5)]
    public void A_first_segment_longer_than_a_segment_or_negative_is_refused(double first) =>
        Assert.Contains("Invalid chunk timing", Assert.Throws<ArgumentException>(() => FfmpegArguments.Chunk(Chunk with { FirstSegmentSeconds = first }, Options, progress: false)).Message);

    [Fact]
    public void Odd_sizes_are_refused_since_yuv420p_needs_even_ones() =>
        Assert.Throws<ArgumentException>(() => FfmpegArguments.Chunk(Chunk with { Outputs = [new Rung("x", 641, 360, 800)] }, Options, progress: false));

    [Fact]
    public void Without_a_progress_reporter_ffmpeg_is_asked_for_no_progress_and_feeds_no_progress_sink()
    {
        var args = FfmpegArguments.Chunk(Chunk, Options, progress: false);

        Assert.Equal(["-hide_banner", "-nostats", "-y"], args.Take(3));
        Assert.DoesNotContain("-progress", args);
        Assert.DoesNotContain("pipe:1", args);
        Assert.Equal(
            "[0:V:0]trim=start=8:end=16,split=2[s0][s1];"
            + "[s0]scale=640:360,setsar=1,format=yuv420p[v0];"
            + "[s1]scale=3840:2160,setsar=1,format=yuv420p[v1]",
            ValueAfter(args, "-filter_complex"));
        Assert.Equal(["[v0]", "[v1]"], ValuesAfter(args, "-map"));
        Assert.Equal(["hls", "hls"], ValuesAfter(args, "-f"));
    }

    [Fact]
    public void Audio_without_a_progress_reporter_has_neither_progress_nor_its_null_sink()
    {
        var job = new AudioEncodeJob(MediaInput.LocalFile("/data/src"), 4, 128, "/work/v1");

        var quiet = FfmpegArguments.Audio(job, Options, progress: false);
        var reporting = FfmpegArguments.Audio(job, Options, progress: true);

        Assert.DoesNotContain("-progress", quiet);
        Assert.Equal(["0:a:0"], ValuesAfter(quiet, "-map"));
        Assert.Equal(["hls"], ValuesAfter(quiet, "-f"));
        Assert.Equal(["-hide_banner", "-nostats", "-progress", "pipe:1", "-y"], reporting.Take(5));
        Assert.Equal(["hls", "null"], ValuesAfter(reporting, "-f"));
        // Apart from those, the two runs are the same command.
        Assert.Equal(quiet.Skip(3), reporting.Skip(5).Take(quiet.Count - 3));
    }

    private static readonly ChunkEncodeJob ChunkWithImages = Chunk with
    {
        Images = new ChunkImages(TileIntervalSeconds: 3, TileWidth: 160, TileHeight: 90, PosterAtSeconds: 10, PosterHeight: 360),
    };

    [Fact]
    public void Images_split_off_the_decoded_video_before_the_trim_into_a_tile_branch_and_a_poster_branch()
    {
        var args = FfmpegArguments.Chunk(ChunkWithImages, Options, progress: true);

        Assert.Equal(
            "[0:V:0]split=3[chunk][tilesrc][postersrc];"
            + "[chunk]trim=start=8:end=16,split=3[s0][s1][progress];"
            + "[s0]scale=640:360,setsar=1,format=yuv420p[v0];"
            + "[s1]scale=3840:2160,setsar=1,format=yuv420p[v1];"
            + "[tilesrc]select='st(0,if(isnan(prev_t),3,floor((prev_t+0.000001)/3)+1));lte(max(3,ld(0)),min(5,floor((t+0.000001)/3)))+gt(ld(0),5)',"
            + "setpts='if(gte(PREV_OUTPTS,round(5*3/TB)),round(6*3/TB),round(min(5,floor((T+0.000001)/3))*3/TB))',settb=3/1,trim=end_pts=6,"
            + "scale=160:90:force_original_aspect_ratio=decrease:force_divisible_by=2,pad=160:90:(ow-iw)/2:(oh-ih)/2,setsar=1[tiles];"
            + "[postersrc]select='gte(t+0.000001,10)',trim=end_frame=1,"
            + "scale=trunc(dar*360/2)*2:360,setsar=1[poster]",
            ValueAfter(args, "-filter_complex"));
        Assert.Equal(["[v0]", "[v1]", "[tiles]", "[poster]", "[progress]"], ValuesAfter(args, "-map"));
        Assert.Equal(["hls", "hls", "image2", "image2", "null"], ValuesAfter(args, "-f"));
        // Still one input, read once.
        Assert.Single(args, a => a == "-i");
    }

    [Fact]
    public void Tiles_are_jpegs_named_by_their_global_index_through_their_pts()
    {
        var args = FfmpegArguments.Chunk(ChunkWithImages, Options, progress: false);
        var tiles = args.Skip(IndexOf(args, "[tiles]") - 1).TakeWhile(a => a != "[poster]").ToList();

        Assert.Equal("passthrough", ValueAfter(tiles, "-fps_mode"));
        // The encoder's clock ticks once per interval, so tile k's pts is k and -frame_pts writes it into the name.
        Assert.Equal("3:1", ValueAfter(tiles, "-enc_time_base"));
        Assert.Equal("mjpeg", ValueAfter(tiles, "-c:v"));
        Assert.Equal("1", ValueAfter(tiles, "-frame_pts"));
        Assert.Equal("/work/v1/tile-%d.jpg", ValueAfter(tiles, "-frame_pts", 2));
        Assert.Equal("/work/v1/tile-4.jpg", FfmpegArguments.TilePath("/work/v1", 4));
    }

    [Fact]
    public void The_poster_is_one_jpeg_in_the_work_directory()
    {
        var args = FfmpegArguments.Chunk(ChunkWithImages, Options, progress: false);
        var poster = args.Skip(IndexOf(args, "[poster]") - 1).ToList();

        Assert.Equal(["-map", "[poster]", "-an", "-sn", "-dn", "-fps_mode", "passthrough", "-frames:v", "1", "-c:v", "mjpeg", "-q:v", "3",
            "-f", "image2", "-update", "1", "/work/v1/poster.jpg"], poster);
        Assert.Equal("/work/v1/poster.jpg", FfmpegArguments.ChunkPosterPath("/work/v1"));
    }

    [Fact]
    public void A_chunk_without_the_poster_time_or_any_tile_time_has_no_branch_for_them()
    {
        // Tiles every 10 s: none in [8, 16) but 10; the poster at 16 is the next chunk's.
        var tilesOnly = Chunk with { Images = new ChunkImages(10, 160, 90, 16, 360) };
        var nothing = Chunk with { Images = new ChunkImages(20, 160, 90, null, 360) };

        var graph = FfmpegArguments.ChunkFilterGraph(tilesOnly, progress: false);
        Assert.StartsWith("[0:V:0]split=2[chunk][tilesrc];[chunk]trim=", graph, StringComparison.Ordinal);
        Assert.Contains("select='st(0,if(isnan(prev_t),1,floor((prev_t+0.000001)/10)+1));lte(max(1,ld(0)),min(1,floor((t+0.000001)/10)))+gt(ld(0),1)',", graph, StringComparison.Ordinal);
        Assert.Contains(",settb=10/1,trim=end_pts=2,", graph, StringComparison.Ordinal);
        Assert.DoesNotContain("[poster]", FfmpegArguments.Chunk(tilesOnly, Options, progress: false));

        var plain = FfmpegArguments.Chunk(nothing, Options, progress: false);
        Assert.Equal(FfmpegArguments.Chunk(Chunk, Options, progress: false), plain);
    }

    [Theory]
    [InlineData(0, 8, 2, 0, 4)]
    [InlineData(8, 4, 2, 4, 2)]
    [InlineData(0, 10, 4, 0, 3)]
    [InlineData(4, 4, 3, 2, 1)]
    [InlineData(4, 1, 3, 2, 0)]
    // Float noise: 0.3 / 0.1 is 2.9999999999999996, still tile 3.
    [InlineData(0.3, 0.3, 0.1, 3, 3)]
    [InlineData(16, 8, 2.5, 7, 3)]
    [InlineData(3600, 60, 36, 100, 2)]
    public void Tile_indexes_are_those_whose_time_falls_in_the_span(double start, double duration, double interval, int first, int count) =>
        Assert.Equal((first, count), FfmpegArguments.TileIndexes(start, duration, interval));

    [Theory]
    [InlineData(4, 2)]
    [InlineData(4, 1.5)]
    [InlineData(2.002, 0.1)]
    [InlineData(6, 1.9975)]
    [InlineData(4, 1.0 / 3)]
    public void Adjacent_chunks_share_no_tile_and_miss_none(double segment, double interval)
    {
        var indexes = new List<int>();
        for (var first = 0; first < 40; first += 3)
        {
            var (k, count) = FfmpegArguments.TileIndexes(first * segment, 3 * segment, interval);
            indexes.AddRange(Enumerable.Range(k, count));
        }

        Assert.Equal(Enumerable.Range(0, indexes.Count), indexes);
        // The interval is used at microsecond precision, like every time on the command line (1/3 is 0.333333).
        Assert.Equal((int)Math.Ceiling((42 * segment - 1e-6) / Math.Round(interval, 6)), indexes.Count);
    }

    [Theory]
    [InlineData(8, 8, 8, true)]
    [InlineData(8, 8, 15.99, true)]
    [InlineData(8, 8, 16, false)]
    [InlineData(8, 8, 7.99, false)]
    public void The_poster_belongs_to_the_chunk_whose_span_holds_its_time(double start, double duration, double at, bool holds) =>
        Assert.Equal(holds, FfmpegArguments.SpanHolds(start, duration, at));

    [Theory]
    [InlineData(2, 2, 1)]
    [InlineData(1.5, 3, 2)]
    [InlineData(0.1, 1, 10)]
    [InlineData(1.9975, 799, 400)]
    [InlineData(1.0 / 3, 333333, 1000000)]
    public void Time_bases_are_exact_fractions_of_microseconds(double seconds, long numerator, long denominator) =>
        Assert.Equal((numerator, denominator), FfmpegArguments.TimeBase(seconds));

    [Theory]
    [InlineData(0, 160, 90, 360)]
    [InlineData(2, 161, 90, 360)]
    [InlineData(2, 160, 91, 360)]
    [InlineData(2, 160, 90, 0)]
    [InlineData(double.NaN, 160, 90, 360)]
    public void Invalid_images_are_refused(double interval, int width, int height, int posterHeight) =>
        Assert.Throws<ArgumentException>(() => FfmpegArguments.Chunk(Chunk with { Images = new ChunkImages(interval, width, height, 1, posterHeight) }, Options, progress: false));

    [Fact]
    public void A_poster_before_the_start_of_the_video_is_refused() =>
        Assert.Throws<ArgumentException>(() => FfmpegArguments.Chunk(Chunk with { Images = new ChunkImages(2, 160, 90, -1, 360) }, Options, progress: false));

    [Fact]
    public void Composing_a_storyboard_reads_jpeg_tiles_as_a_numbered_sequence_and_tiles_them()
    {
        var args = FfmpegArguments.ComposeStoryboard("/scratch/sb%1.tiles", 10, 3, "/out/sb.jpg", Options);

        Assert.Equal(["-hide_banner", "-nostats", "-y"], args.Take(3));
        Assert.Equal("file", ValueAfter(args, "-protocol_whitelist"));
        Assert.Equal("image2", ValueAfter(args, "-format_whitelist"));
        Assert.Equal(["image2", "image2"], ValuesAfter(args, "-f"));
        Assert.Equal("0", ValueAfter(args, "-start_number"));
        Assert.True(IndexOf(args, "-c:v") < IndexOf(args, "-i"));
        Assert.Equal("mjpeg", ValueAfter(args, "-c:v"));
        // '%' in the directory is literal, not a pattern.
        Assert.Equal("file:/scratch/sb%%1.tiles/%d.jpg", ValueAfter(args, "-i"));
        Assert.Equal("tile=10x3", ValueAfter(args, "-vf"));
        Assert.Equal("1", ValueAfter(args, "-frames:v"));
        Assert.Equal("/out/sb.jpg", args[^1]);
    }

    [Fact]
    public void Select_expressions_pick_the_frame_at_or_just_after_each_time()
    {
        // Tiles 7..9: a frame is selected if it answers one of them (7 at the latest from the first frame on), or comes
        // after the one that answered 9.
        Assert.Equal(
            "st(0,if(isnan(prev_t),7,floor((prev_t+0.000001)/2.5)+1));lte(max(7,ld(0)),min(9,floor((t+0.000001)/2.5)))+gt(ld(0),9)",
            FfmpegArguments.TileSelectExpression(7, 9, 2.5));
        Assert.Equal(
            "if(gte(PREV_OUTPTS,round(9*2.5/TB)),round(10*2.5/TB),round(min(9,floor((T+0.000001)/2.5))*2.5/TB))",
            FfmpegArguments.TilePtsExpression(9, 2.5));
        Assert.Equal("gte(t+0.000001,7.25)", FfmpegArguments.PosterSelectExpression(7.25));
    }

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

    private static string ValueAfter(IReadOnlyList<string> args, string flag, int offset = 1) => args[IndexOf(args, flag) + offset];

    private static List<string> ValuesAfter(IReadOnlyList<string> args, string flag) =>
        args.Select((a, i) => (a, i)).Where(x => x.a == flag && x.i + 1 < args.Count).Select(x => args[x.i + 1]).ToList();
}
