using System.Text.Json;
using Streamio.Cli.Uploads;
using Streamio.Testing;

namespace Streamio.Cli.Tests;

/// <summary>`streamio upload` against a real node: tus, the resume state, live progress over SignalR, the JSON it prints.</summary>
[Collection(CliNodeCollection.Name)]
public sealed class UploadTests(CliNodeFixture node)
{
    [Fact]
    public async Task Upload_follows_the_encode_until_ready_and_the_signed_url_plays_every_frame()
    {
        var clip = await ClipFactory.GetAsync(CliNodeFixture.Clip);
        using var cli = node.Cli();

        var run = (await cli.RunAsync("upload", clip, "--title", "From the CLI", "--wait", "ready", "--chunk-size", "64K", "--json")).Expect(ExitCodes.Ok);

        var line = Assert.Single(run.JsonLines);
        var size = new FileInfo(clip).Length;
        Assert.Equal(size, line.GetProperty("bytes").GetInt64());
        Assert.Equal(size, line.GetProperty("bytesSent").GetInt64());
        Assert.Equal(0, line.GetProperty("resumedFrom").GetInt64());
        Assert.StartsWith(node.BaseAddress.AbsoluteUri + "v1/tus/u_", line.GetProperty("uploadUrl").GetString());
        var video = line.GetProperty("video");
        var videoId = line.GetProperty("videoId").GetString()!;
        Assert.Equal(videoId, video.GetProperty("id").GetString());
        Assert.Equal("ready", video.GetProperty("status").GetString());
        Assert.Equal("From the CLI", video.GetProperty("title").GetString());
        // Progress went to stderr as plain lines (stderr is not a terminal here): bytes, then the encode as the hub sent it.
        Assert.Contains($"upload {Path.GetFileName(clip)}: {Output.Format.Bytes(size)} / {Output.Format.Bytes(size)} (100%)", run.Error);
        Assert.Contains($"video {videoId}: ready 100%", run.Error);
        Assert.Contains($"video {videoId}: encoding", run.Error);
        Assert.DoesNotContain("polling", run.Error);
        // A finished upload is forgotten: the resume state holds nothing for it.
        Assert.DoesNotContain(videoId, ResumeState(cli));

        var play = (await cli.RunAsync("play", videoId, "--ttl", "600", "--json")).Expect(ExitCodes.Ok).Json;
        var url = play.GetProperty("url").GetString()!;
        Assert.Contains($"/play/{videoId}/master.m3u8?token=", url);
        var frames = await MediaInspector.CountFramesAsync(url, "v:0");
        Assert.InRange(frames, CliNodeFixture.Clip.FrameCount - 1, CliNodeFixture.Clip.FrameCount + 1);
    }

    [Fact]
    public async Task An_interrupted_upload_resumes_from_the_servers_offset_on_the_next_run()
    {
        var spec = CliNodeFixture.Clip with { DurationSeconds = 6 };
        var clip = await ClipFactory.GetAsync(spec);
        var size = new FileInfo(clip).Length;
        using var cli = node.Cli();

        // First run: small chunks at a limited rate, interrupted (as Ctrl+C would) once a progress line shows bytes sent.
        using var interrupt = new CancellationTokenSource();
        cli.OnErrorLine = line =>
        {
            if (line.StartsWith("upload ", StringComparison.Ordinal) && line.Contains(" / ", StringComparison.Ordinal) && !line.StartsWith($"upload {Path.GetFileName(clip)}: 0 B", StringComparison.Ordinal))
            {
                interrupt.Cancel();
            }
        };
        var rate = Math.Max(size / 8, 16 * 1024);
        var first = (await cli.RunAsync(["upload", clip, "--chunk-size", "32K", "--limit-rate", rate.ToString(), "--json"], interrupt.Token)).Expect(ExitCodes.Interrupted);
        Assert.Contains("run the same command again to resume", first.Error);
        var remembered = ResumeState(cli);
        Assert.Contains(Path.GetFullPath(clip), remembered);
        cli.OnErrorLine = null;

        // Second run: the same command resumes where the server says the upload stands.
        var second = (await cli.RunAsync("upload", clip, "--wait", "ready", "--json")).Expect(ExitCodes.Ok);
        var line = Assert.Single(second.JsonLines);
        var resumedFrom = line.GetProperty("resumedFrom").GetInt64();
        Assert.InRange(resumedFrom, 1, size - 1);
        Assert.Equal(size - resumedFrom, line.GetProperty("bytesSent").GetInt64());
        Assert.Equal("ready", line.GetProperty("video").GetProperty("status").GetString());
        Assert.Contains($"resuming at {Output.Format.Bytes(resumedFrom)}", second.Error);
        Assert.Contains(JsonDocument.Parse(remembered).RootElement.GetProperty("uploads").EnumerateObject().Single().Value.GetProperty("uploadUrl").GetString()!,
            line.GetProperty("uploadUrl").GetString());

        // The bytes joined across the two runs are the file: the whole stream decodes, every frame.
        var videoId = line.GetProperty("videoId").GetString()!;
        var url = (await cli.RunAsync("play", videoId)).Expect(ExitCodes.Ok).Out.Trim();
        Assert.InRange(await MediaInspector.CountFramesAsync(url, "v:0"), spec.FrameCount - 1, spec.FrameCount + 1);
    }

    [Fact]
    public async Task A_connection_dropped_mid_upload_is_resumed_within_the_same_run()
    {
        var clip = await ClipFactory.GetAsync(CliNodeFixture.Clip);
        var size = new FileInfo(clip).Length;
        await using var proxy = new DroppingProxy(node.BaseAddress, dropAfterBytes: size / 2);
        using var cli = node.Cli();
        cli.Environment["STREAMIO_URL"] = proxy.BaseAddress.AbsoluteUri;

        var run = (await cli.RunAsync("upload", clip, "--chunk-size", "64K", "--wait", "ready", "--json")).Expect(ExitCodes.Ok);

        Assert.True(proxy.Dropped, "the proxy cut a connection mid-upload");
        Assert.Contains("Going on from the server's offset", run.Error);
        var line = Assert.Single(run.JsonLines);
        Assert.Equal(0, line.GetProperty("resumedFrom").GetInt64());
        Assert.Equal("ready", line.GetProperty("video").GetProperty("status").GetString());
        // The bytes on both sides of the cut join into the file: every frame decodes.
        var url = (await cli.RunAsync("play", line.GetProperty("videoId").GetString()!)).Expect(ExitCodes.Ok).Out.Trim();
        Assert.InRange(await MediaInspector.CountFramesAsync(url, "v:0"), CliNodeFixture.Clip.FrameCount - 1, CliNodeFixture.Clip.FrameCount + 1);
    }

    [Fact]
    public async Task No_logo_leaves_the_projects_logo_out_of_the_video()
    {
        var clip = await ClipFactory.GetAsync(CliNodeFixture.Clip);
        using var temp = new TempDirectory("cli-logo");
        var logo = temp.Combine("logo.png");
        await FfmpegTools.FfmpegAsync(["-hide_banner", "-nostdin", "-y", "-f", "lavfi", "-i", "color=red:s=32x32", "-frames:v", "1", logo]);
        var (projectId, key) = await node.NewProjectAsync("Logo from the CLI");
        using (var image = new ByteArrayContent(await File.ReadAllBytesAsync(logo)))
        {
            image.Headers.ContentType = new("image/png");
            using var set = await node.Admin.PutAsync($"/v1/projects/{projectId}/watermark", image);
            set.EnsureSuccessStatusCode();
        }
        using var cli = node.Cli(key);

        var without = Assert.Single((await cli.RunAsync("upload", clip, "--no-logo", "--wait", "none", "--json")).Expect(ExitCodes.Ok).JsonLines);
        var with = Assert.Single((await cli.RunAsync("upload", clip, "--wait", "none", "--json")).Expect(ExitCodes.Ok).JsonLines);

        Assert.False(without.GetProperty("video").GetProperty("logo").GetBoolean());
        Assert.True(with.GetProperty("video").GetProperty("logo").GetBoolean());
        (await cli.RunAsync("rm", without.GetProperty("videoId").GetString()!, with.GetProperty("videoId").GetString()!)).Expect(ExitCodes.Ok);
    }

    [Fact]
    public async Task Watch_shows_every_rendition_and_plain_output_names_the_video()
    {
        var clip = await ClipFactory.GetAsync(CliNodeFixture.Clip);
        using var cli = node.Cli();

        var run = (await cli.RunAsync("upload", clip, "--watch")).Expect(ExitCodes.Ok);

        var videoId = run.Out.Split(' ', 2)[0];
        Assert.StartsWith("v_", videoId);
        Assert.Contains("  ready  ", run.Out);
        Assert.Contains("360p 100%", run.Error);
        Assert.Contains("240p 100%", run.Error);
    }

    [Fact]
    public async Task On_a_terminal_progress_is_a_live_bar_with_bytes_speed_and_time_left()
    {
        var clip = await ClipFactory.GetAsync(CliNodeFixture.Clip);
        using var cli = node.Cli();
        cli.ErrorIsTerminal = true;

        var run = (await cli.RunAsync("upload", clip, "--watch", "--limit-rate", "256K")).Expect(ExitCodes.Ok);

        // Spectre.Console's bars (ANSI-coloured, redrawn in place): the file's name, a bar, a percentage, bytes done of
        // the total and a rate; then the encode, per rendition.
        var screen = System.Text.RegularExpressions.Regex.Replace(run.Error, @"\u001b\[[0-9;?]*[A-Za-z]", "");
        Assert.Contains(Path.GetFileName(clip), screen);
        Assert.Contains("━", screen);
        Assert.Contains("100%", screen);
        Assert.Matches(@"[\d.]+/[\d.]+ (KiB|MiB)", screen);
        Assert.Matches(@"[\d.]+ (KiB|MiB)/s", screen);
        Assert.Contains("360p", screen);
        Assert.DoesNotContain($"upload {Path.GetFileName(clip)}:", screen);
        // stdout still gets the one plain result line.
        Assert.Matches(@"^v_\w+  ready  ", run.Out);
    }

    [Fact]
    public async Task Several_files_are_uploaded_one_after_another_with_a_json_line_each()
    {
        var first = await ClipFactory.GetAsync(CliNodeFixture.Clip);
        var second = await ClipFactory.GetAsync(CliNodeFixture.Clip with { DurationSeconds = 2 });
        using var cli = node.Cli();

        var lines = (await cli.RunAsync("upload", first, second, "--wait", "none", "--quiet", "--json")).Expect(ExitCodes.Ok).JsonLines;

        Assert.Equal([Path.GetFullPath(first), Path.GetFullPath(second)], lines.Select(line => line.GetProperty("file").GetString()));
        Assert.Equal(2, lines.Select(line => line.GetProperty("videoId").GetString()).Distinct().Count());
        Assert.Equal(Path.GetFileName(second), lines[1].GetProperty("video").GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_file_that_is_not_a_video_fails_with_exit_code_5_and_the_reason()
    {
        using var temp = new TempDirectory("cli-bad");
        var junk = temp.Combine("notes.mp4");
        await File.WriteAllBytesAsync(junk, Enumerable.Range(0, 64 * 1024).Select(i => (byte)(i * 7)).ToArray());
        using var cli = node.Cli();

        var run = (await cli.RunAsync("upload", junk, "--json")).Expect(ExitCodes.VideoFailed);

        var error = run.Json.GetProperty("error");
        Assert.Equal(ExitCodes.VideoFailed, error.GetProperty("exitCode").GetInt32());
        Assert.Contains("failed", error.GetProperty("message").GetString());
        Assert.Contains("error: Video v_", run.Error);
    }

    [Fact]
    public async Task A_missing_file_a_bad_size_and_a_title_for_two_files_are_refused_before_anything_is_sent()
    {
        var clip = await ClipFactory.GetAsync(CliNodeFixture.Clip);
        using var cli = node.Cli();

        var missing = (await cli.RunAsync("upload", "/no/such/clip.mp4", "--json")).Expect(ExitCodes.NotFound);
        Assert.Contains("There is no file '/no/such/clip.mp4'", missing.Json.GetProperty("error").GetProperty("message").GetString());
        (await cli.RunAsync("upload", clip, "--chunk-size", "lots")).Expect(ExitCodes.Usage);
        (await cli.RunAsync("upload", clip, clip, "--title", "Both")).Expect(ExitCodes.Usage);
        (await cli.RunAsync("upload", clip, "--wait", "forever")).Expect(ExitCodes.Usage);
        using var temp = new TempDirectory("cli-empty");
        var empty = temp.Combine("empty.mp4");
        await File.WriteAllBytesAsync(empty, []);
        var refused = (await cli.RunAsync("upload", empty)).Expect(ExitCodes.Refused);
        Assert.Contains("The file is empty", refused.Error);
        Assert.False(File.Exists(Path.Combine(cli.ConfigFolder, ResumeStore.FileName)), "nothing was started, so nothing is remembered");
    }

    [Fact]
    public async Task A_wrong_key_is_exit_code_3_and_the_upload_is_not_remembered()
    {
        var clip = await ClipFactory.GetAsync(CliNodeFixture.Clip);
        using var cli = node.Cli(apiKey: "sk_not_a_real_key_0000000000");

        var run = (await cli.RunAsync("upload", clip)).Expect(ExitCodes.Auth);

        Assert.StartsWith("error: ", run.Error);
        Assert.False(File.Exists(Path.Combine(cli.ConfigFolder, ResumeStore.FileName)));
    }

    private static string ResumeState(CliRunner cli)
    {
        var path = Path.Combine(cli.ConfigFolder, ResumeStore.FileName);
        return File.Exists(path) ? File.ReadAllText(path) : "";
    }
}
