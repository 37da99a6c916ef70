using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Streamio.Host.Api;
using Streamio.Host.Live;
using Streamio.Testing;

namespace Streamio.Host.Tests;

/// <summary>
/// Every way in and out besides /v1/videos is scoped too: tus uploads, upload URLs and the live hub answer a project
/// only about its own things, and another project's are as absent as missing ones.
/// </summary>
[Collection(SecuredNodeCollection.Name)]
public sealed class TenancySurfacesTests(SecuredNodeFixture fixture)
{
    private StreamioNode Node => fixture.Node;

    [Fact]
    public async Task A_tus_upload_is_reachable_only_with_its_own_projects_key()
    {
        var owner = await fixture.NewProjectAsync("tus owner");
        var other = await fixture.NewProjectAsync("tus other");
        using var anonymous = Node.CreateClient(null);
        await SecuredNodeFixture.ProblemAsync(await anonymous.SendAsync(Tus(HttpMethod.Post, "/v1/tus", length: 10)), HttpStatusCode.Unauthorized);

        using var created = await owner.Http.SendAsync(Tus(HttpMethod.Post, "/v1/tus", length: 10));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var upload = created.Headers.Location!.AbsolutePath;

        foreach (var method in new[] { HttpMethod.Head, HttpMethod.Get, HttpMethod.Delete })
        {
            using var foreign = await other.Http.SendAsync(Tus(method, upload));
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        }
        using var patch = Tus(HttpMethod.Patch, upload);
        patch.Headers.Add("Upload-Offset", "0");
        patch.Content = new ByteArrayContent(new byte[10]);
        patch.Content.Headers.ContentType = new("application/offset+octet-stream");
        await SecuredNodeFixture.ProblemAsync(await other.Http.SendAsync(patch), HttpStatusCode.NotFound);

        using var head = await owner.Http.SendAsync(Tus(HttpMethod.Head, upload));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("0", head.Headers.GetValues("Upload-Offset").Single());
        using var terminated = await owner.Http.SendAsync(Tus(HttpMethod.Delete, upload));
        Assert.Equal(HttpStatusCode.NoContent, terminated.StatusCode);
    }

    [Fact]
    public async Task An_upload_url_belongs_to_its_project_and_stores_under_it()
    {
        var owner = await fixture.NewProjectAsync("upload owner");
        var other = await fixture.NewProjectAsync("upload other");

        using var created = await owner.Http.PostAsJsonAsync("/v1/uploads", new { title = "mine", sizeBytes = 10 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var upload = (await created.Content.ReadFromJsonAsync<UploadResponse>())!;
        Assert.StartsWith($"projects/{owner.Id}/videos/{upload.VideoId}/", upload.Key, StringComparison.Ordinal);

        await SecuredNodeFixture.ProblemAsync(await other.Http.GetAsync($"/v1/uploads/{upload.UploadId}"), HttpStatusCode.NotFound);
        await SecuredNodeFixture.ProblemAsync(await other.Http.PostAsync($"/v1/uploads/{upload.UploadId}/complete", null), HttpStatusCode.NotFound);
        using var anonymous = Node.CreateClient(null);
        await SecuredNodeFixture.ProblemAsync(await anonymous.PostAsJsonAsync("/v1/uploads", new { title = "nobody" }), HttpStatusCode.Unauthorized);

        using var mine = await owner.Http.GetAsync($"/v1/uploads/{upload.UploadId}");
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        // Nothing was PUT yet: completing is a clear conflict for the owner, not a 404.
        await SecuredNodeFixture.ProblemAsync(await owner.Http.PostAsync($"/v1/uploads/{upload.UploadId}/complete", null), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task The_live_hub_shows_a_project_only_its_own_videos()
    {
        var owner = await fixture.NewProjectAsync("hub owner");
        var other = await fixture.NewProjectAsync("hub other");
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 1, Width: 320, Height: 180, WithAudio: false));
        var video = await Node.UploadOkAsync(clip, "watched", client: owner.Http);

        // No key: the negotiate request is refused before any connection exists.
        var anonymous = await Assert.ThrowsAsync<HttpRequestException>(() => HubWatcher.ConnectAsync(Node.BaseAddress));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        // Another project's key (sent by the .NET client as Authorization: Bearer): its video is as absent as a missing one.
        await using var stranger = await HubWatcher.ConnectAsync(Node.BaseAddress, other.Key);
        var refused = await Assert.ThrowsAsync<HubException>(() => stranger.SubscribeAsync(video.Id));
        Assert.Contains(video.Id, refused.Message, StringComparison.Ordinal);
        Assert.Contains("There is no video", refused.Message, StringComparison.Ordinal);

        // Browsers cannot set headers on a WebSocket: the key rides in access_token, as @microsoft/signalr sends it.
        await using var watcher = await HubWatcher.ConnectAsync(Node.BaseAddress, owner.Key, keyInQuery: true);
        await watcher.SubscribeAsync(video.Id);
        var first = await watcher.NextAsync(VideoHub.VideoUpdated);
        Assert.Equal(video.Id, first.Body["id"]!.GetValue<string>());
    }

    private static HttpRequestMessage Tus(HttpMethod method, string path, long? length = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Tus-Resumable", "1.0.0");
        if (length is { } bytes)
        {
            request.Headers.Add("Upload-Length", bytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return request;
    }
}
