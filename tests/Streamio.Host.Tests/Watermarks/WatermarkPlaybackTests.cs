using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Streamio.Abstractions.Watermarks;
using Streamio.Abstractions.Wire;
using Streamio.Host.Playback;
using Streamio.Storage;
using Streamio.Testing;

namespace Streamio.Host.Tests.Watermarks;

/// <summary>
/// Burned-in watermarks on an embedded node: the URL comes back at once, FFmpeg plays it through its tokens, and every
/// frame carries the text where the plain rendition has none; sessions are per viewer and reused; tokens do not cross.
/// </summary>
[Collection(SharedNodeCollection.Name)]
public sealed class WatermarkPlaybackTests(SharedNodeFixture fixture)
{
    private StreamioNode Node => fixture.Node;

    private static readonly WatermarkRequest Big = new("STREAMIO", "bottom-right", 1.0, 40);

    [Fact]
    public async Task Every_frame_of_the_watermarked_stream_carries_the_text_and_the_source_is_not_needed()
    {
        var video = await fixture.ReadyVideoAsync();
        var storage = Node.Services.GetRequiredService<IObjectStorage>();
        Assert.False(await storage.ExistsAsync(StorageKeys.Source("default", video.Id), CancellationToken.None), "the upload is deleted once the video is ready");

        var stream = await WatermarkStreams.StartOkAsync(Node, video.Id, "alice@example.com", Big);
        Assert.False(stream.Reused);
        Assert.Contains($"/watermarked/{video.Id}/{stream.SessionId}/master.m3u8?token=", stream.Url);
        Assert.True(stream.ExpiresAt <= stream.SessionExpiresAt);
        await WatermarkStreams.WaitUntilCompleteAsync(Node, stream.Url);

        // The tallest rung at or under 720p, 480p here, is the one watermarked: compare frame by frame with it.
        var plainUrl = (await Node.PlaybackUrlAsync(video.Id)).Replace("/master.m3u8?", "/480p.m3u8?", StringComparison.Ordinal);
        var marked = await MediaInspector.LumaFramesAsync(stream.Url, 854, 480);
        var plain = await MediaInspector.LumaFramesAsync(plainUrl, 854, 480);
        Assert.Equal(SharedNodeFixture.StandardClip.FrameCount, marked.Count);
        Assert.Equal(plain.Count, marked.Count);
        for (var i = 0; i < marked.Count; i++)
        {
            // Where the text sits (bottom-right, 20 px margin) against a box of the same size in the opposite corner.
            var text = WatermarkStreams.RegionDifference(marked[i], plain[i], 854, 640, 430, 830, 458);
            var elsewhere = WatermarkStreams.RegionDifference(marked[i], plain[i], 854, 20, 22, 210, 50);
            Assert.True(text > elsewhere + 15, $"frame {i}: the text region differs by {text:0.0} from the plain rendition, elsewhere by {elsewhere:0.0}");
        }
        // The master carries the video's own audio rendition beside the watermarked video.
        Assert.InRange(await MediaInspector.DurationAsync(stream.Url), SharedNodeFixture.StandardClip.DurationSeconds - 0.3, SharedNodeFixture.StandardClip.DurationSeconds + 0.3);
    }

    [Fact]
    public async Task The_same_viewer_reuses_the_session_and_another_viewer_gets_another()
    {
        var video = await fixture.ReadyVideoAsync();
        var watermark = new WatermarkRequest("viewer 1", "top-left", null, null);
        var first = await WatermarkStreams.StartOkAsync(Node, video.Id, "viewer-1", watermark);
        var again = await WatermarkStreams.StartOkAsync(Node, video.Id, "viewer-1", watermark);
        var other = await WatermarkStreams.StartOkAsync(Node, video.Id, "viewer-2", watermark with { Text = "viewer 2" });

        Assert.True(again.Reused);
        Assert.Equal(first.SessionId, again.SessionId);
        Assert.Equal(first.SessionExpiresAt, again.SessionExpiresAt);
        Assert.NotEqual(first.SessionId, other.SessionId);
        Assert.False(other.Reused);
        await WatermarkStreams.WaitUntilCompleteAsync(Node, first.Url);
        await WatermarkStreams.WaitUntilCompleteAsync(Node, other.Url);

        // One FFmpeg run for the reused session: the attempt counter says how many runs began.
        var grains = Node.Services.GetRequiredService<IGrainFactory>();
        var session = await grains.GetGrain<IWatermarkSessionGrain>(WatermarkSessionKeys.Of(video.Id, first.SessionId)).GetAsync();
        Assert.Equal((WatermarkSessionStatus.Complete, 1), (session!.Status, session.Attempts));
        Assert.Equal("viewer-1", session.Viewer);
    }

    [Fact]
    public async Task A_token_opens_its_own_session_only()
    {
        var video = await fixture.ReadyVideoAsync();
        var alice = await WatermarkStreams.StartOkAsync(Node, video.Id, "alice", new WatermarkRequest("alice", null, null, null));
        var bob = await WatermarkStreams.StartOkAsync(Node, video.Id, "bob", new WatermarkRequest("bob", null, null, null));
        await WatermarkStreams.WaitUntilCompleteAsync(Node, alice.Url);
        var aliceToken = Token(alice.Url);

        using (var own = await Node.Http.GetAsync(alice.Url))
        {
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        }
        var tokens = Node.Services.GetRequiredService<PlaybackTokens>();
        var plainToken = tokens.Issue(video.Id, DateTimeOffset.UtcNow.AddHours(1), "alice");
        var expired = tokens.IssueForSession(video.Id, alice.SessionId, DateTimeOffset.UtcNow.AddSeconds(-1), "alice");
        string[] paths = ["master.m3u8", "video.m3u8", "video/0.ts", "video.key", "audio.m3u8", "audio.key"];
        foreach (var path in paths)
        {
            // Alice's token on Bob's session, the plain stream's token on a session, an expired session token.
            await AssertForbiddenAsync($"{WatermarkPlaybackEndpoints.Root(video.Id, bob.SessionId)}/{path}?token={Uri.EscapeDataString(aliceToken)}", "another stream");
            await AssertForbiddenAsync($"{WatermarkPlaybackEndpoints.Root(video.Id, alice.SessionId)}/{path}?token={Uri.EscapeDataString(plainToken)}", "another stream");
            await AssertForbiddenAsync($"{WatermarkPlaybackEndpoints.Root(video.Id, alice.SessionId)}/{path}?token={Uri.EscapeDataString(expired)}", "expired");
        }
        // A session token never opens the plain, unwatermarked stream or its key.
        foreach (var path in new[] { $"/play/{video.Id}/master.m3u8", $"/play/{video.Id}/480p/0.ts", $"/keys/{video.Id}/480p", $"/play/{video.Id}/thumbnail.jpg" })
        {
            await AssertForbiddenAsync($"{path}?token={Uri.EscapeDataString(aliceToken)}", "another stream");
        }
    }

    [Fact]
    public async Task Hostile_text_is_drawn_as_typed()
    {
        var video = await fixture.ReadyVideoAsync();
        // Filter syntax, drawtext expansions and a line break: all data, none of it parsed.
        var hostile = "it's \"q\": a\\b %{pts} %{n} %{eif:1/0:d} [x];y,z='1'\nline two";
        var stream = await WatermarkStreams.StartOkAsync(Node, video.Id, "hostile", new WatermarkRequest(hostile, "moving", 0.8, 20));
        await WatermarkStreams.WaitUntilCompleteAsync(Node, stream.Url);
        Assert.Equal(SharedNodeFixture.StandardClip.FrameCount, await MediaInspector.CountFramesAsync(stream.Url));

        var grains = Node.Services.GetRequiredService<IGrainFactory>();
        var session = await grains.GetGrain<IWatermarkSessionGrain>(WatermarkSessionKeys.Of(video.Id, stream.SessionId)).GetAsync();
        Assert.Equal(hostile, session!.Watermark.Text);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("a\u0007b", "control")]
    [InlineData("1\n2\n3\n4\n5", "lines")]
    [InlineData("x\u202Ey", "formatting")]
    public async Task Texts_that_cannot_be_drawn_are_refused(string text, string reason)
    {
        var video = await fixture.ReadyVideoAsync();
        using var response = await WatermarkStreams.RequestAsync(Node, video.Id, "v", new WatermarkRequest(text, null, null, null));
        await AssertBadRequestAsync(response, reason);
    }

    [Fact]
    public async Task A_megabyte_of_text_and_bad_options_get_400()
    {
        var video = await fixture.ReadyVideoAsync();
        using (var huge = await WatermarkStreams.RequestAsync(Node, video.Id, "v", new WatermarkRequest(new string('A', 1024 * 1024), null, null, null)))
        {
            await AssertBadRequestAsync(huge, "at most 200");
        }
        using (var position = await WatermarkStreams.RequestAsync(Node, video.Id, "v", new WatermarkRequest("x", "middle", null, null)))
        {
            await AssertBadRequestAsync(position, "top-left, top-right, bottom-left, bottom-right, moving");
        }
        using (var opacity = await WatermarkStreams.RequestAsync(Node, video.Id, "v", new WatermarkRequest("x", null, 1.5, null)))
        {
            await AssertBadRequestAsync(opacity, "opacity");
        }
        using (var size = await WatermarkStreams.RequestAsync(Node, video.Id, "v", new WatermarkRequest("x", null, null, 1000)))
        {
            await AssertBadRequestAsync(size, "fontSize");
        }
        using var missing = await WatermarkStreams.RequestAsync(Node, video.Id, "v", new WatermarkRequest(null, null, null, null));
        await AssertBadRequestAsync(missing, "required");
    }

    private async Task AssertForbiddenAsync(string url, string detail)
    {
        using var response = await Node.Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Contains(detail, await response.Content.ReadAsStringAsync());
    }

    private static async Task AssertBadRequestAsync(HttpResponseMessage response, string detail)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detail, (await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>())!.Detail);
    }

    private static string Token(string url) => Uri.UnescapeDataString(url[(url.IndexOf("?token=", StringComparison.Ordinal) + 7)..]);
}
