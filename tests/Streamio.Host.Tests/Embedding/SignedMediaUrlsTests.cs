using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Streamio.Host.Playback;
using Streamio.Host.Tests.Web;

namespace Streamio.Host.Tests.Embedding;

/// <summary>The signed thumbnail, storyboard and embed URLs that POST /v1/videos/{id}/playback returns beside the stream.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SignedMediaUrlsTests(BrowserFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
{
    private StreamioNode Node => fixture.Node;

    private PlaybackTokens Tokens => Node.Services.GetRequiredService<PlaybackTokens>();

    /// <summary>A client that sends no key at all: signed URLs carry their own authority.</summary>
    private static HttpClient Anonymous() => new() { Timeout = TimeSpan.FromMinutes(2) };

    [Fact]
    public async Task Playback_returns_signed_thumbnail_storyboard_and_embed_urls_that_need_no_key()
    {
        var video = await fixture.ReadyVideoAsync();
        var playback = await EmbeddingSetup.PlaybackAsync(Node, video.Id);
        var token = new Uri(playback.Url).Query;
        Assert.Equal($"{Node.BaseAddress}play/{video.Id}/thumbnail.jpg{token}", playback.ThumbnailUrl);
        Assert.Equal($"{Node.BaseAddress}play/{video.Id}/storyboard.vtt{token}", playback.StoryboardUrl);
        Assert.Equal($"{Node.BaseAddress}embed/{video.Id}{token}", playback.EmbedUrl);
        using var http = Anonymous();

        // The poster as it is, and any frame at any width.
        Assert.NotNull(JpegSize(await JpegAsync(http, playback.ThumbnailUrl)));
        var small = await JpegAsync(http, playback.ThumbnailUrl + "&width=160");
        Assert.Equal((160, 90), JpegSize(small));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var early = await JpegAsync(http, playback.ThumbnailUrl + "&time=0.5&width=320");
        output.WriteLine($"a frame at a time and width: {clock.ElapsedMilliseconds} ms (informational)");
        var late = await JpegAsync(http, playback.ThumbnailUrl + "&time=5.2&width=320");
        Assert.Equal((320, 180), JpegSize(early));
        Assert.Equal((320, 180), JpegSize(late));
        Assert.NotEqual(early, late);
        Assert.Equal((640, 360), JpegSize(await JpegAsync(http, playback.ThumbnailUrl + "&time=3")));

        // The storyboard's tiles are signed too.
        var vtt = await http.GetStringAsync(playback.StoryboardUrl);
        Assert.StartsWith("WEBVTT", vtt);
        var tile = vtt.Split('\n').First(line => line.Contains("#xywh=", StringComparison.Ordinal));
        Assert.StartsWith($"storyboard.jpg{token}#xywh=", tile);
        var sprite = await JpegAsync(http, new Uri(new Uri(playback.StoryboardUrl), tile).ToString());
        Assert.NotNull(JpegSize(sprite));

        using var embed = await http.GetAsync(playback.EmbedUrl);
        Assert.Equal(HttpStatusCode.OK, embed.StatusCode);
        Assert.Equal("text/html", embed.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Expired_and_foreign_tokens_open_no_image_storyboard_player_data_or_embed()
    {
        var video = await fixture.ReadyVideoAsync();
        var expired = Uri.EscapeDataString(Tokens.Issue(video.Id, DateTimeOffset.UtcNow.AddSeconds(-1), null));
        var foreign = Uri.EscapeDataString(Tokens.Issue("v_another", DateTimeOffset.UtcNow.AddHours(1), null));
        using var http = Anonymous();
        foreach (var (token, detail) in new[] { (expired, "expired"), (foreign, "another video") })
        {
            foreach (var path in new[] { "thumbnail.jpg", "thumbnail.jpg?time=1&width=100", "storyboard.vtt", "storyboard.jpg", "player.json" })
            {
                var url = $"{Node.BaseAddress}play/{video.Id}/{path}{(path.Contains('?') ? '&' : '?')}token={token}";
                using var response = await http.GetAsync(url);
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.Contains(detail, await response.Content.ReadAsStringAsync());
            }
            using var embed = await http.GetAsync($"{Node.BaseAddress}embed/{video.Id}?token={token}");
            Assert.Equal(HttpStatusCode.Forbidden, embed.StatusCode);
            Assert.Contains(token == expired ? "expired" : "not valid", await embed.Content.ReadAsStringAsync());
        }
        // A playback URL of the video with a short life stops working when it ends.
        var shortLived = await EmbeddingSetup.PlaybackAsync(Node, video.Id, ttlSeconds: 1);
        await Task.Delay(TimeSpan.FromSeconds(2.2));
        using var late = await http.GetAsync(shortLived.ThumbnailUrl);
        Assert.Equal(HttpStatusCode.Forbidden, late.StatusCode);
    }

    [Theory]
    [InlineData("&time=abc", "time must be a number")]
    [InlineData("&time=-1", "time must be a number")]
    [InlineData("&time=NaN", "time must be a number")]
    [InlineData("&time=600", "less than the video's duration")]
    [InlineData("&width=0", "width must be a whole number")]
    [InlineData("&width=9999", "width must be a whole number")]
    [InlineData("&width=12.5", "width must be a whole number")]
    public async Task Bad_thumbnail_options_are_refused(string query, string detail)
    {
        var video = await fixture.ReadyVideoAsync();
        var playback = await EmbeddingSetup.PlaybackAsync(Node, video.Id);
        using var http = Anonymous();
        using var response = await http.GetAsync(playback.ThumbnailUrl + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detail, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A JPEG's size from its start-of-frame marker.</summary>
    private static (int Width, int Height)? JpegSize(byte[] jpeg)
    {
        for (var i = 2; i + 8 < jpeg.Length;)
        {
            if (jpeg[i] != 0xFF)
            {
                return null;
            }
            var marker = jpeg[i + 1];
            if (marker is >= 0xC0 and <= 0xC3)
            {
                return ((jpeg[i + 7] << 8) | jpeg[i + 8], (jpeg[i + 5] << 8) | jpeg[i + 6]);
            }
            i += 2 + ((jpeg[i + 2] << 8) | jpeg[i + 3]);
        }
        return null;
    }

    private static async Task<byte[]> JpegAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsByteArrayAsync();
    }
}
