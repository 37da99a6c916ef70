using Streamio.Media.Processes;
using Streamio.Testing;

namespace Streamio.Media.Tests;

public sealed class FfprobeProberTests : IDisposable
{
    private readonly TempDirectory _temp = new("probe");

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(ClipContainer.Mp4, "mov,mp4,m4a,3gp,3g2,mj2", "h264", "aac")]
    [InlineData(ClipContainer.Mov, "mov,mp4,m4a,3gp,3g2,mj2", "h264", "aac")]
    [InlineData(ClipContainer.Mkv, "matroska,webm", "h264", "aac")]
    [InlineData(ClipContainer.Webm, "matroska,webm", "vp9", "opus")]
    public async Task Accepts_the_supported_containers(ClipContainer container, string format, string videoCodec, string audioCodec)
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 2, Container: container));

        var probe = await TestMedia.Prober().ProbeAsync(MediaInput.LocalFile(clip), CancellationToken.None);

        Assert.Equal(format, probe.FormatName);
        Assert.InRange(probe.DurationSeconds, 1.9, 2.1);
        Assert.Equal(new VideoStreamInfo(videoCodec, 320, 180, 30), probe.Video);
        Assert.NotNull(probe.Audio);
        Assert.Equal(audioCodec, probe.Audio.Codec);
        Assert.Equal(2, probe.Audio.Channels);
        Assert.Equal(48000, probe.Audio.SampleRate);
    }

    [Theory]
    [InlineData(ClipContainer.Mp4)]
    [InlineData(ClipContainer.Webm)]
    public async Task Accepts_a_video_without_audio(ClipContainer container)
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 2, WithAudio: false, Container: container));

        var probe = await TestMedia.Prober().ProbeAsync(MediaInput.LocalFile(clip), CancellationToken.None);

        Assert.Null(probe.Audio);
        Assert.Equal(320, probe.Video.Width);
    }

    [Fact]
    public async Task Content_decides_not_the_extension()
    {
        var mkv = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 2, Container: ClipContainer.Mkv));
        var disguised = _temp.Combine("holiday.mp4");
        File.Copy(mkv, disguised);

        var probe = await TestMedia.Prober().ProbeAsync(MediaInput.LocalFile(disguised), CancellationToken.None);

        Assert.Equal("matroska,webm", probe.FormatName);
    }

    [Fact]
    public async Task An_ntsc_frame_rate_is_reported_exactly()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 2, FrameRate: "30000/1001", WithAudio: false));

        var probe = await TestMedia.Prober().ProbeAsync(MediaInput.LocalFile(clip), CancellationToken.None);

        Assert.Equal(30000.0 / 1001, probe.Video.FrameRate, 6);
    }

    [Fact]
    public async Task A_rotated_phone_video_is_reported_upright_as_ffmpeg_will_decode_it()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 2, WithAudio: false));
        var rotated = _temp.Combine("phone.mp4");
        await FfmpegTools.FfmpegAsync("-hide_banner", "-nostdin", "-i", clip, "-c", "copy", "-metadata:s:v:0", "rotate=90", rotated);

        var probe = await Probe(rotated);

        Assert.Equal((180, 320), (probe.Video.Width, probe.Video.Height));
        var poster = _temp.Combine("poster.jpg");
        await TestMedia.Encoder().CapturePosterAsync(MediaInput.LocalFile(rotated), 0.5, 160, poster, CancellationToken.None);
        Assert.Equal((90, 160), await MediaInspector.VideoSizeAsync(poster));
    }

    [Theory]
    [InlineData("90")]
    [InlineData("sideways")]
    public async Task A_matroska_rotate_tag_is_metadata_not_a_rotation(string tag)
    {
        // FFMpegCore's IMediaAnalysis would take "ROTATE" for a rotation (and throw on "sideways"); FFmpeg ignores it.
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 2, WithAudio: false, Container: ClipContainer.Mkv));
        var tagged = _temp.Combine("tagged.mkv");
        await FfmpegTools.FfmpegAsync("-hide_banner", "-nostdin", "-i", clip, "-c", "copy", "-metadata:s:v:0", $"ROTATE={tag}", tagged);

        var probe = await Probe(tagged);

        Assert.Equal((320, 180), (probe.Video.Width, probe.Video.Height));
        var poster = _temp.Combine("poster.jpg");
        await TestMedia.Encoder().CapturePosterAsync(MediaInput.LocalFile(tagged), 0.5, 90, poster, CancellationToken.None);
        Assert.Equal((160, 90), await MediaInspector.VideoSizeAsync(poster));
    }

    [Fact]
    public async Task An_hls_playlist_named_mp4_is_refused_and_what_it_references_is_never_opened()
    {
        var (playlist, fifo) = await HlsTrapAsync();
        var writer = await OpenForWritingInBackgroundAsync(fifo);

        var error = await Assert.ThrowsAsync<MediaRejectedException>(
            () => TestMedia.Prober().ProbeAsync(MediaInput.LocalFile(playlist), CancellationToken.None));

        Assert.Equal(FfprobeProber.UnsupportedReason, error.Message);
        // Opening a FIFO for writing blocks until someone opens it for reading: nobody did.
        Assert.False(writer.IsCompleted);
        await using (new FileStream(fifo, FileMode.Open, FileAccess.Read))
        {
            await writer;
        }
    }

    [Fact]
    public async Task Control_without_the_demuxer_allowlist_ffprobe_would_follow_the_playlist()
    {
        // Proves the trap above can spring: the same probe minus -format_whitelist opens the FIFO.
        var (playlist, fifo) = await HlsTrapAsync();
        var writer = await OpenForWritingInBackgroundAsync(fifo);

        await FfmpegTools.Runner().RunAsync(
            new ProcessRunRequest(FfmpegTools.Ffprobe, ["-v", "error", "-protocol_whitelist", "file", "-show_format", "-i", "file:" + playlist])
            {
                Timeout = TimeSpan.FromMinutes(1),
            },
            CancellationToken.None);

        await writer;
    }

    [Fact]
    public async Task A_zero_byte_file_is_refused()
    {
        var empty = _temp.Combine("empty.mp4");
        await File.WriteAllBytesAsync(empty, []);

        var error = await Assert.ThrowsAsync<MediaRejectedException>(() => Probe(empty));

        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_mp4_with_its_index_at_the_end_is_refused()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 4));
        var bytes = await File.ReadAllBytesAsync(clip);
        var truncated = _temp.Combine("upload-interrupted.mp4");
        await File.WriteAllBytesAsync(truncated, bytes[..(bytes.Length * 3 / 10)]);

        var error = await Assert.ThrowsAsync<MediaRejectedException>(() => Probe(truncated));

        Assert.Equal(FfprobeProber.UnsupportedReason, error.Message);
    }

    [Fact]
    public async Task Random_bytes_are_refused()
    {
        var noise = _temp.Combine("noise.mp4");
        await File.WriteAllBytesAsync(noise, System.Security.Cryptography.RandomNumberGenerator.GetBytes(64 * 1024));

        var error = await Assert.ThrowsAsync<MediaRejectedException>(() => Probe(noise));

        Assert.Equal(FfprobeProber.UnsupportedReason, error.Message);
    }

    [Fact]
    public async Task A_text_file_is_refused()
    {
        var text = _temp.Combine("notes.mov");
        await File.WriteAllTextAsync(text, "Dear diary, today I uploaded a text file.\n");

        var error = await Assert.ThrowsAsync<MediaRejectedException>(() => Probe(text));

        Assert.Equal(FfprobeProber.UnsupportedReason, error.Message);
    }

    [Fact]
    public async Task Audio_only_is_refused_for_having_no_video()
    {
        var m4a = _temp.Combine("song.m4a");
        await FfmpegTools.FfmpegAsync("-hide_banner", "-nostdin", "-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac", m4a);

        var error = await Assert.ThrowsAsync<MediaRejectedException>(() => Probe(m4a));

        Assert.Contains("no video stream", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_many_streams_are_refused()
    {
        var many = _temp.Combine("many.mkv");
        await FfmpegTools.FfmpegAsync(
        [
            "-hide_banner", "-nostdin", "-f", "lavfi", "-i", "testsrc2=size=160x90:duration=1", "-f", "lavfi", "-i", "sine=duration=1",
            "-map", "0:v", .. Enumerable.Repeat(new[] { "-map", "1:a" }, 17).SelectMany(m => m),
            "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", many,
        ]);

        var error = await Assert.ThrowsAsync<MediaRejectedException>(() => Probe(many));

        Assert.Contains("too many streams", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_video_over_the_size_cap_is_refused()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 2));
        var options = FfmpegTools.Options();
        options.MaxWidth = 256;
        options.MaxHeight = 144;

        var error = await Assert.ThrowsAsync<MediaRejectedException>(
            () => TestMedia.Prober(options).ProbeAsync(MediaInput.LocalFile(clip), CancellationToken.None));

        Assert.Equal("The video is too large (320x180); Streamio accepts up to 256x144.", error.Message);
    }

    [Fact]
    public async Task A_video_over_the_duration_cap_is_refused()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 2));
        var options = FfmpegTools.Options();
        options.MaxDurationSeconds = 1;

        var error = await Assert.ThrowsAsync<MediaRejectedException>(
            () => TestMedia.Prober(options).ProbeAsync(MediaInput.LocalFile(clip), CancellationToken.None));

        Assert.Contains("too long", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_recording_without_a_duration_is_refused()
    {
        // Matroska written to a pipe never gets its duration filled in.
        var live = _temp.Combine("live.mkv");
        var result = await FfmpegTools.Runner().RunAsync(
            new ProcessRunRequest("sh", ["-c", $"\"$0\" -hide_banner -nostdin -f lavfi -i testsrc2=size=160x90:duration=1 -c:v libx264 -preset ultrafast -f matroska - | cat > \"$1\"", FfmpegTools.Ffmpeg, live]),
            CancellationToken.None);
        Assert.True(result.Succeeded, result.StderrTail);

        var error = await Assert.ThrowsAsync<MediaRejectedException>(() => Probe(live));

        Assert.Contains("no duration", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_source_is_our_problem_not_the_uploaders()
    {
        await Assert.ThrowsAsync<MediaToolException>(() => Probe(_temp.Combine("gone.mp4")));
    }

    [Fact]
    public void Portrait_video_is_measured_against_the_caps_in_its_own_orientation()
    {
        var options = new FfmpegOptions();

        var probe = FfprobeProber.Interpret(Json(width: 2160, height: 3840), options);

        Assert.Equal(3840, probe.Video.Height);
        Assert.Throws<MediaRejectedException>(() => FfprobeProber.Interpret(Json(width: 4400, height: 7680), options));
    }

    [Theory]
    [InlineData("\"0.000000\"")]
    [InlineData("\"N/A\"")]
    [InlineData("null")]
    public void A_zero_or_unknown_duration_is_refused(string duration) =>
        Assert.Contains("no duration", Assert.Throws<MediaRejectedException>(() => FfprobeProber.Interpret(Json(duration: duration), new FfmpegOptions())).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("\"N/A\"")]
    [InlineData("null")]
    public void The_head_of_an_upload_still_arriving_may_have_no_duration_yet(string duration) =>
        Assert.Equal(0, FfprobeProber.Interpret(Json(duration: duration), new FfmpegOptions(), durationRequired: false).DurationSeconds);

    [Fact]
    public void Reads_the_fields_as_ffprobe_writes_them()
    {
        // Numbers as strings or numbers, an unknown average rate, rotation in a display matrix, a data stream first.
        var json = """
            {"format":{"format_name":"mov,mp4,m4a,3gp,3g2,mj2","duration":"12.345678","probe_score":100},
             "streams":[{"index":0,"codec_type":"data","codec_tag_string":"tmcd"},
                        {"index":1,"codec_type":"video","codec_name":"hevc","width":1920,"height":1080,
                         "avg_frame_rate":"0/0","r_frame_rate":"60000/1001","disposition":{"default":1,"attached_pic":0},
                         "side_data_list":[{"side_data_type":"Display Matrix","displaymatrix":"...","rotation":-90}]},
                        {"index":2,"codec_type":"audio","codec_name":"aac","channels":6,"sample_rate":"44100"}]}
            """;

        var probe = FfprobeProber.Interpret(json, new FfmpegOptions());

        Assert.Equal(new MediaProbe("mov,mp4,m4a,3gp,3g2,mj2", 12.345678, new VideoStreamInfo("hevc", 1080, 1920, 60000.0 / 1001), new AudioStreamInfo("aac", 6, 44100)), probe);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("""{"streams":[]}""")]
    [InlineData("""{"format":{"format_name":"matroska,webm","duration":"1"},"streams":{"oops":1}}""")]
    public void Output_that_is_not_an_ffprobe_analysis_is_refused(string json) =>
        Assert.Equal(FfprobeProber.UnsupportedReason, Assert.Throws<MediaRejectedException>(() => FfprobeProber.Interpret(json, new FfmpegOptions())).Message);

    [Fact]
    public void Cover_art_is_not_a_video_stream()
    {
        var json = """
            {"format":{"format_name":"mov,mp4,m4a,3gp,3g2,mj2","duration":"10.0"},
             "streams":[{"codec_type":"audio","codec_name":"aac","channels":2,"sample_rate":"44100"},
                        {"codec_type":"video","codec_name":"mjpeg","width":600,"height":600,"disposition":{"attached_pic":1}}]}
            """;

        var error = Assert.Throws<MediaRejectedException>(() => FfprobeProber.Interpret(json, new FfmpegOptions()));

        Assert.Contains("no video stream", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_format_outside_the_allowlist_is_refused_even_if_ffprobe_let_it_through() =>
        Assert.Equal(
            FfprobeProber.UnsupportedReason,
            Assert.Throws<MediaRejectedException>(() => FfprobeProber.Interpret(Json(format: "hls"), new FfmpegOptions())).Message);

    private Task<MediaProbe> Probe(string path) => TestMedia.Prober().ProbeAsync(MediaInput.LocalFile(path), CancellationToken.None);

    private static string Json(int width = 640, int height = 360, string duration = "\"10.5\"", string format = "matroska,webm") =>
        $$"""
        {"format":{"format_name":"{{format}}","duration":{{duration}}},
         "streams":[{"codec_type":"video","codec_name":"h264","width":{{width}},"height":{{height}},"avg_frame_rate":"25/1"}]}
        """;

    /// <summary>An HLS playlist saved as "x.mp4" whose one segment is a FIFO (named .ts so HLS itself would allow it).</summary>
    private async Task<(string Playlist, string Fifo)> HlsTrapAsync()
    {
        var fifo = _temp.Combine("segment0.ts");
        var made = await FfmpegTools.Runner().RunAsync(new ProcessRunRequest("mkfifo", [fifo]), CancellationToken.None);
        Assert.True(made.Succeeded, made.StderrTail);
        var playlist = _temp.Combine("x.mp4");
        await File.WriteAllTextAsync(playlist, $"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\n{fifo}\n#EXT-X-ENDLIST\n");
        return (playlist, fifo);
    }

    private static async Task<Task> OpenForWritingInBackgroundAsync(string fifo)
    {
        var starting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writer = Task.Factory.StartNew(
            () =>
            {
                starting.SetResult();
                using var stream = new FileStream(fifo, FileMode.Open, FileAccess.Write);
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        await starting.Task;
        return writer;
    }
}
