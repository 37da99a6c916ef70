using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Streamio.Abstractions.Wire;
using Streamio.Host.Playback;

namespace Streamio.Host.Tests.LiveStreams;

/// <summary>
/// The live playback surface before anything is published: the URL and token from /playback, tokens scoped to one live
/// stream (a video's token opens no live route and a live token no video route), expiry, and 404 with no session.
/// </summary>
[Collection(SharedNodeCollection.Name)]
public sealed class LivePlaybackTests(SharedNodeFixture fixture)
{
    private StreamioNode Node => fixture.Node;

    private PlaybackTokens Tokens => Node.Services.GetRequiredService<PlaybackTokens>();

    private static string[] LivePaths(string id) =>
        [$"/live/{id}/master.m3u8", $"/live/{id}/360p.m3u8", $"/live/{id}/s_1/360p/0.ts", $"/live/{id}/s_1/360p.key"];

    private async Task AssertRefusedAsync(IEnumerable<string> paths, string token, string expectedDetail)
    {
        foreach (var path in paths)
        {
            using var response = await Node.Http.GetAsync($"{path}?token={Uri.EscapeDataString(token)}");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{path}: {(int)response.StatusCode} {body}");
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
            Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
            Assert.Contains(expectedDetail, body);
        }
    }

    private async Task<LiveStreamResponse> CreateStreamAsync() => await LiveStreamApiTests.CreateAsync(Node.Http, new { title = "playback" });

    [Fact]
    public async Task Playback_gives_a_signed_master_url_and_its_token()
    {
        var stream = await CreateStreamAsync();

        using var response = await Node.Http.PostAsJsonAsync($"/v1/live-streams/{stream.Id}/playback", new { ttlSeconds = 120, viewer = "ana" });
        var playback = (await response.Content.ReadFromJsonAsync<LivePlaybackResponse>())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"{Node.BaseAddress.GetLeftPart(UriPartial.Authority)}/live/{stream.Id}/master.m3u8?token={Uri.EscapeDataString(playback.Token)}", playback.Url);
        Assert.Equal(TokenCheck.Valid, Tokens.Check(playback.Token, PlaybackTokens.LiveSubject(stream.Id)));
        Assert.InRange(playback.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(121));
    }

    [Fact]
    public async Task Playback_refuses_a_bad_ttl_with_a_message()
    {
        var stream = await CreateStreamAsync();
        using var response = await Node.Http.PostAsJsonAsync($"/v1/live-streams/{stream.Id}/playback", new { ttlSeconds = 0 });
        Assert.Contains("ttlSeconds must be between 1 and", await SecuredNodeFixture.ProblemAsync(response, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Before_a_session_the_master_playlist_is_not_found_and_never_cached()
    {
        var stream = await CreateStreamAsync();
        using var playback = await Node.Http.PostAsync($"/v1/live-streams/{stream.Id}/playback", null);
        var url = (await playback.Content.ReadFromJsonAsync<LivePlaybackResponse>())!.Url;

        using var response = await Node.Http.GetAsync(url);

        var detail = await SecuredNodeFixture.ProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Contains("no session has started", detail);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task A_video_token_opens_no_live_route_and_a_live_token_no_video_route()
    {
        var stream = await CreateStreamAsync();
        var video = await fixture.ReadyVideoAsync();
        var inAnHour = DateTimeOffset.UtcNow.AddHours(1);

        // Even a video token whose id is the stream's id: the live routes want a live token.
        await AssertRefusedAsync(LivePaths(stream.Id), Tokens.Issue(stream.Id, inAnHour, null), "not for this live stream");
        await AssertRefusedAsync(LivePaths(stream.Id), Tokens.Issue(video.Id, inAnHour, null), "not for this live stream");

        var liveToken = Tokens.IssueForLive(stream.Id, inAnHour, null);
        await AssertRefusedAsync([$"/play/{video.Id}/master.m3u8", $"/play/{video.Id}/360p/0.ts", $"/keys/{video.Id}/360p"], liveToken, "another video");
        await AssertRefusedAsync([$"/play/{stream.Id}/master.m3u8", $"/keys/{stream.Id}/360p"], liveToken, "another video");
        // And another stream's live token is no better.
        await AssertRefusedAsync(LivePaths(stream.Id), Tokens.IssueForLive("ls_other", inAnHour, null), "not for this live stream");
    }

    [Fact]
    public async Task An_expired_or_missing_live_token_is_refused()
    {
        var stream = await CreateStreamAsync();
        await AssertRefusedAsync(LivePaths(stream.Id), Tokens.IssueForLive(stream.Id, DateTimeOffset.UtcNow.AddSeconds(-1), null), "expired");
        await AssertRefusedAsync(LivePaths(stream.Id), "", "missing or invalid");
    }

    [Fact]
    public async Task Preflights_on_live_paths_are_answered_for_any_origin()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/live/ls_any/master.m3u8");
        request.Headers.Add("Origin", "https://player.example");
        request.Headers.Add("Access-Control-Request-Method", "GET");
        using var response = await Node.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("https://player.example", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }
}
