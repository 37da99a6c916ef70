using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Streamio.Host.Playback;

namespace Streamio.Host.Tests;

/// <summary>Expired, tampered, missing or other-video tokens get 403 and no key bytes, on every playback path.</summary>
[Collection(SharedNodeCollection.Name)]
public sealed class PlaybackSecurityTests(SharedNodeFixture fixture)
{
    private StreamioNode Node => fixture.Node;

    private PlaybackTokens Tokens => Node.Services.GetRequiredService<PlaybackTokens>();

    private static string[] Paths(string id) =>
    [
        $"/play/{id}/master.m3u8", $"/play/{id}/360p.m3u8", $"/play/{id}/360p/0.ts", $"/keys/{id}/360p", $"/keys/{id}/audio",
    ];

    private async Task AssertRefusedEverywhereAsync(string id, string? token, string expectedDetail)
    {
        foreach (var path in Paths(id))
        {
            var url = token is null ? path : $"{path}?token={Uri.EscapeDataString(token)}";
            using var response = await Node.Http.GetAsync(url);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
            var body = await response.Content.ReadAsStringAsync();
            Assert.Contains(expectedDetail, body);
        }
    }

    [Fact]
    public async Task An_expired_token_is_refused()
    {
        var video = await fixture.ReadyVideoAsync();
        var expired = Tokens.Issue(video.Id, DateTimeOffset.UtcNow.AddSeconds(-1), null);
        await AssertRefusedEverywhereAsync(video.Id, expired, "expired");
    }

    [Fact]
    public async Task A_tampered_token_is_refused()
    {
        var video = await fixture.ReadyVideoAsync();
        var token = Tokens.Issue(video.Id, DateTimeOffset.UtcNow.AddHours(1), null);
        var signature = token[(token.IndexOf('.') + 1)..];
        var flipped = token[..(token.IndexOf('.') + 1)] + (signature[0] == 'A' ? 'B' : 'A') + signature[1..];
        await AssertRefusedEverywhereAsync(video.Id, flipped, "invalid");

        // A payload re-signed by nobody: a longer expiry with the old signature.
        var forged = Tokens.Issue(video.Id, DateTimeOffset.UtcNow.AddYears(5), null).Split('.')[0] + "." + signature;
        await AssertRefusedEverywhereAsync(video.Id, forged, "invalid");
    }

    [Fact]
    public async Task A_token_for_another_video_is_refused()
    {
        var video = await fixture.ReadyVideoAsync();
        var other = Tokens.Issue("v_another", DateTimeOffset.UtcNow.AddHours(1), null);
        await AssertRefusedEverywhereAsync(video.Id, other, "another video");
    }

    [Fact]
    public async Task A_missing_or_garbage_token_is_refused()
    {
        var video = await fixture.ReadyVideoAsync();
        await AssertRefusedEverywhereAsync(video.Id, null, "missing or invalid");
        await AssertRefusedEverywhereAsync(video.Id, "garbage", "missing or invalid");
    }

    [Fact]
    public async Task A_valid_token_with_a_viewer_opens_every_path()
    {
        var video = await fixture.ReadyVideoAsync();
        var token = Tokens.Issue(video.Id, DateTimeOffset.UtcNow.AddMinutes(5), "viewer-42");
        foreach (var path in Paths(video.Id))
        {
            using var response = await Node.Http.GetAsync($"{path}?token={Uri.EscapeDataString(token)}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Bad_playback_requests_are_refused()
    {
        var video = await fixture.ReadyVideoAsync();
        using var tooLong = await Node.Http.PostAsync($"/v1/videos/{video.Id}/playback",
            new StringContent("""{"ttlSeconds": 99999999}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        using var notJson = await Node.Http.PostAsync($"/v1/videos/{video.Id}/playback",
            new StringContent("{nope", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        using var ok = await Node.Http.PostAsync($"/v1/videos/{video.Id}/playback",
            new StringContent("""{"ttlSeconds": 60, "viewer": "alice"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }
}
