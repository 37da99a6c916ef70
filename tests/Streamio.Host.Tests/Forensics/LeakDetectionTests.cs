using System.Net;
using Streamio.Testing;
using Xunit.Abstractions;

namespace Streamio.Host.Tests.Forensics;

/// <summary>
/// The leak detector against leaks made the way the issue describes: a viewer's real stream (FFmpeg's HLS demuxer on
/// their tokenized URL) shown in a player with bars and a display gamma, scaled to 480p, re-encoded at a low bitrate and
/// cut to start mid-video.
/// </summary>
[Collection(ForensicCollection.Name)]
public sealed class LeakDetectionTests(ForensicFixture fixture, ITestOutputHelper output) 
{
    public static TheoryData<string, double, int, int, int> Leaks => new()
    {
        // viewer, start (s), kbps, player width, player height
        { "alice@example.com", 7.3, 400, 800, 600 },
        { "bob", 9.1, 300, 960, 540 },
        { "carol-42", 6.5, 500, 720, 720 },
        { "dave", 11.2, 350, 1024, 600 },
    };

    [Theory]
    [MemberData(nameof(Leaks))]
    public async Task A_leak_names_the_viewer_whose_stream_it_was(string viewer, double start, int kbps, int playerWidth, int playerHeight)
    {
        // Every viewer has been given a stream, so the detector has to choose among all of them.
        foreach (var row in Leaks)
        {
            await fixture.PlaybackUrlAsync(fixture.Video.Id, (string)row[0]);
        }
        var degradation = new LeakDegradation(start, Kbps: kbps, PlayerWidth: playerWidth, PlayerHeight: playerHeight);
        var leak = await fixture.LeakAsync(viewer, degradation);

        var answer = await fixture.DetectOkAsync(leak);

        output.WriteLine($"{viewer} ({degradation}): {System.Text.Json.JsonSerializer.Serialize(answer)}");
        Assert.True(answer.Match, answer.Reason);
        Assert.Equal(viewer, answer.Viewer);
        Assert.True(answer.Confidence >= 0.99, $"confidence {answer.Confidence}");
        Assert.InRange(answer.SegmentsRead, 6, 18);
        Assert.InRange(answer.OffsetSeconds!.Value, start - 0.2, start + 0.2);
    }

    [Fact]
    public async Task The_unmarked_stream_is_no_match()
    {
        await fixture.PlaybackUrlAsync(fixture.Video.Id, "erin");
        var leak = await fixture.LeakAsync(viewer: null, new LeakDegradation(8.4));

        var answer = await fixture.DetectOkAsync(leak);

        output.WriteLine(System.Text.Json.JsonSerializer.Serialize(answer));
        Assert.False(answer.Match);
        Assert.Equal("no-match", answer.Verdict);
        Assert.Null(answer.Viewer);
        Assert.True(answer.SegmentsRead >= 6, $"it is this video, read over {answer.SegmentsRead} segments");
    }

    [Fact]
    public async Task A_copy_of_another_video_does_not_line_up()
    {
        await fixture.PlaybackUrlAsync(fixture.Video.Id, "frank");
        var leak = await LeakSimulator.RecordAsync(fixture.OtherClip, new LeakDegradation(3), Path.Combine(fixture.Folder, "other-leak.mp4"));

        var answer = await fixture.DetectOkAsync(leak);

        output.WriteLine(System.Text.Json.JsonSerializer.Serialize(answer));
        Assert.False(answer.Match);
        Assert.Equal("not-this-video", answer.Verdict);
    }

    [Fact]
    public async Task A_few_seconds_are_too_short_to_read_a_code()
    {
        var leak = await fixture.LeakAsync("alice@example.com", new LeakDegradation(12, DurationSeconds: 5));

        var answer = await fixture.DetectOkAsync(leak);

        Assert.False(answer.Match);
        Assert.Equal("too-short", answer.Verdict);
    }

    [Fact]
    public async Task Bad_requests_say_what_to_do_and_leave_nothing_behind()
    {
        var leak = await fixture.LeakAsync("alice@example.com", new LeakDegradation(10, DurationSeconds: 3));
        using (var noVideo = await fixture.DetectAsync(null, leak))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noVideo.StatusCode);
            Assert.Contains("videoId is required", await noVideo.Content.ReadAsStringAsync());
        }
        using (var missing = await fixture.DetectAsync("v_nope", leak))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }
        var garbage = Path.Combine(fixture.Folder, "garbage.mp4");
        await File.WriteAllBytesAsync(garbage, Enumerable.Range(0, 50_000).Select(i => (byte)(i * 7)).ToArray());
        using (var unreadable = await fixture.DetectAsync(fixture.Video.Id, garbage))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, unreadable.StatusCode);
            Assert.Equal("application/problem+json", unreadable.Content.Headers.ContentType?.MediaType);
        }
        using (var json = await fixture.Node.Http.PostAsync("/v1/forensics/detect",
                   new StringContent("""{"videoId": "x", "key": "elsewhere/leak.mp4"}""", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
            Assert.Contains("ingest", await json.Content.ReadAsStringAsync());
        }
        // Recordings are only kept while they are analysed.
        var forensics = Path.Combine(fixture.Node.DataPath, "objects", "projects", "default", "forensics");
        Assert.True(!Directory.Exists(forensics) || Directory.GetFiles(forensics, "*", SearchOption.AllDirectories).Length == 0);
    }
}
