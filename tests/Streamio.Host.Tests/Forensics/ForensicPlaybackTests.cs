using System.Net;
using System.Text.RegularExpressions;
using Streamio.Testing;

namespace Streamio.Host.Tests.Forensics;

/// <summary>What a forensic video serves: per-viewer playlists that mix copies A and B, and only each viewer's own copies.</summary>
[Collection(ForensicCollection.Name)]
public sealed partial class ForensicPlaybackTests(ForensicFixture fixture) 
{
    [Fact]
    public async Task A_viewer_gets_the_forensic_rung_alone_with_A_and_B_segments_by_their_code()
    {
        var video = await fixture.Node.GetVideoAsync(fixture.Video.Id);
        Assert.Equal("360p", video.Forensic?.Rung);
        Assert.Contains(video.Renditions, rendition => rendition.Name == "360p-a" && rendition.Status == "ready");

        var master = await GetTextAsync(await fixture.PlaybackUrlAsync(video.Id, "gina"));
        Assert.Single(Regex.Matches(master, "#EXT-X-STREAM-INF"));
        Assert.Contains("360p.m3u8?token=", master);

        var gina = await MediaPlaylistAsync("gina");
        var hank = await MediaPlaylistAsync("hank");
        var plain = await MediaPlaylistAsync(null);
        // Whole 2 s segments (a forensic video has no short first one).
        Assert.Equal((int)(ForensicFixture.ClipSeconds / 2), Segments(gina).Count);
        Assert.All(Segments(gina), segment => Assert.Matches("^360p-[ab]/[0-9]+\\.ts", segment));
        Assert.Contains(Segments(gina), segment => segment.StartsWith("360p-a/", StringComparison.Ordinal));
        Assert.Contains(Segments(gina), segment => segment.StartsWith("360p-b/", StringComparison.Ordinal));
        Assert.NotEqual(Segments(gina), Segments(hank));
        Assert.All(Segments(plain), segment => Assert.StartsWith("360p/", segment));
        // Each segment is announced under its own copy's key.
        foreach (Match key in KeyAndSegment().Matches(gina))
        {
            Assert.Equal(key.Groups["keyCopy"].Value, key.Groups["copy"].Value);
        }
    }

    [Fact]
    public async Task A_viewers_stream_plays_to_the_end_through_ffmpegs_hls_client()
    {
        var url = await fixture.PlaybackUrlAsync(fixture.Video.Id, "ivan");
        var frames = await MediaInspector.CountFramesAsync(url);
        Assert.InRange(frames, ForensicFixture.ClipSeconds * 25 - 2, ForensicFixture.ClipSeconds * 25 + 2);
    }

    [Fact]
    public async Task A_viewer_cannot_fetch_the_unmarked_rung_or_the_other_copy()
    {
        var url = new Uri(await fixture.PlaybackUrlAsync(fixture.Video.Id, "judy"));
        var playlist = await MediaPlaylistAsync("judy", url);
        var first = Segments(playlist)[0];
        var other = first.StartsWith("360p-a/", StringComparison.Ordinal) ? first.Replace("360p-a/", "360p-b/", StringComparison.Ordinal) : first.Replace("360p-b/", "360p-a/", StringComparison.Ordinal);
        var plain = "360p/" + first[(first.IndexOf('/', StringComparison.Ordinal) + 1)..];
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(new Uri(url, first)));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(new Uri(url, other)));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(new Uri(url, plain)));

        // Without a viewer, the plain rung plays and the copies are refused.
        var anonymous = new Uri(await fixture.PlaybackUrlAsync(fixture.Video.Id, null));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(new Uri(anonymous, plain.Split('?')[0] + anonymous.Query)));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(new Uri(anonymous, first.Split('?')[0] + anonymous.Query)));
    }

    [Fact]
    public async Task Forensic_must_be_true_or_false_and_an_unmarked_video_cannot_be_checked()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 2));
        using (var form = new MultipartFormDataContent())
        {
            form.Add(new StreamContent(File.OpenRead(clip)), "file", "clip.mp4");
            form.Add(new StringContent("maybe"), "forensic");
            using var refused = await fixture.Node.Http.PostAsync("/v1/videos", form);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("forensic must be true or false", await refused.Content.ReadAsStringAsync());
        }
        var plain = await fixture.UploadAsync(clip, forensic: null);
        Assert.Null(plain.Forensic);
        using var conflict = await fixture.DetectAsync(plain.Id, clip);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Contains("forensic=true", await conflict.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_project_can_make_every_new_video_forensic_unless_an_upload_says_otherwise()
    {
        using var admin = fixture.Node.CreateClient(StreamioNode.AdminKey);
        using (var on = await admin.PatchAsync("/v1/projects/default", new StringContent("""{"forensics": true}""", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, on.StatusCode);
            Assert.Contains("\"forensics\":true", await on.Content.ReadAsStringAsync());
        }
        try
        {
            var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 2));
            var byProject = await fixture.UploadAsync(clip, forensic: null);
            var optedOut = await fixture.UploadAsync(clip, forensic: "false");
            Assert.NotNull(byProject.Forensic);
            Assert.Null(optedOut.Forensic);
            var planned = await fixture.Node.WaitForAsync(byProject.Id, video => video.Forensic?.Rung is not null || video.Status == "failed");
            Assert.Equal("180p", planned.Forensic!.Rung);
        }
        finally
        {
            using var off = await admin.PatchAsync("/v1/projects/default", new StringContent("""{"forensics": false}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        }
    }

    private async Task<string> MediaPlaylistAsync(string? viewer, Uri? master = null)
    {
        master ??= new Uri(await fixture.PlaybackUrlAsync(fixture.Video.Id, viewer));
        return await GetTextAsync(new Uri(master, "360p.m3u8" + master.Query).ToString());
    }

    private async Task<string> GetTextAsync(string url) => await fixture.Node.Http.GetStringAsync(url);

    private async Task<HttpStatusCode> StatusAsync(Uri url)
    {
        using var response = await fixture.Node.Http.GetAsync(url);
        return response.StatusCode;
    }

    private static List<string> Segments(string playlist) =>
        playlist.Split('\n').Where(line => line.Length > 0 && !line.StartsWith('#')).ToList();

    [GeneratedRegex("#EXT-X-KEY:METHOD=AES-128,URI=\"/keys/[^/]+/(?<keyCopy>[^?\"]+)\\?[^\\n]*\\n#EXTINF:[^\\n]*\\n(?<copy>[^/]+)/")]
    private static partial Regex KeyAndSegment();
}
