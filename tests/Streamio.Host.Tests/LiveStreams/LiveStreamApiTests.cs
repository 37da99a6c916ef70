using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Streamio.Abstractions.Wire;
using Streamio.Ingest.Rtmp;
using Streamio.Ingest.Srt;

namespace Streamio.Host.Tests.LiveStreams;

/// <summary>/v1/live-streams on a node with anonymous access off: the project's streams only, every refusal a clear problem.</summary>
[Collection(SecuredNodeCollection.Name)]
public sealed class LiveStreamApiTests(SecuredNodeFixture fixture)
{
    private StreamioNode Node => fixture.Node;

    private static Task<string> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected) => SecuredNodeFixture.ProblemAsync(response, expected);

    public static async Task<LiveStreamResponse> CreateAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/v1/live-streams", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var created = (await response.Content.ReadFromJsonAsync<LiveStreamResponse>())!;
        Assert.Equal($"/v1/live-streams/{created.Id}", response.Headers.Location!.OriginalString);
        return created;
    }

    [Fact]
    public async Task A_created_stream_has_a_key_and_publish_urls_and_is_listed_read_and_deleted()
    {
        var project = await fixture.NewProjectAsync("live-crud");

        var created = await CreateAsync(project.Http, new { title = "Friday stream", dvrWindowSeconds = 600, record = false });

        Assert.StartsWith("ls_", created.Id);
        Assert.Equal("Friday stream", created.Title);
        Assert.Equal("idle", created.Status);
        Assert.Equal(600, created.DvrWindowSeconds);
        Assert.False(created.Record);
        Assert.True(created.StreamKey is { Length: >= 20 }, created.StreamKey);
        var host = Node.BaseAddress.Host;
        // The test node's servers listen on any free port; the URLs name the ports they got.
        var rtmpPort = Node.Services.GetRequiredService<RtmpIngestServer>().LocalEndPoint!.Port;
        var srtPort = Node.Services.GetRequiredService<SrtIngestServer>().BoundPort;
        Assert.Equal($"rtmp://{host}:{rtmpPort}/live", created.RtmpUrl);
        Assert.Equal($"srt://{host}:{srtPort}?streamid={Uri.EscapeDataString(created.StreamKey!)}", created.SrtUrl);
        Assert.Null(created.Session);
        Assert.Empty(created.RecordingVideoIds);

        var read = await project.Http.GetFromJsonAsync<LiveStreamResponse>($"/v1/live-streams/{created.Id}");
        Assert.Equal(created.StreamKey, read!.StreamKey);
        var list = await project.Http.GetFromJsonAsync<LiveStreamPage>("/v1/live-streams");
        Assert.Contains(list!.Items, item => item.Id == created.Id);

        using (var deleted = await project.Http.DeleteAsync($"/v1/live-streams/{created.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        await ProblemAsync(await project.Http.GetAsync($"/v1/live-streams/{created.Id}"), HttpStatusCode.NotFound);
        Assert.DoesNotContain((await project.Http.GetFromJsonAsync<LiveStreamPage>("/v1/live-streams"))!.Items, item => item.Id == created.Id);
        await ProblemAsync(await project.Http.DeleteAsync($"/v1/live-streams/{created.Id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Defaults_apply_to_an_empty_body()
    {
        var project = await fixture.NewProjectAsync("live-defaults");
        using var response = await project.Http.PostAsync("/v1/live-streams", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<LiveStreamResponse>())!;
        Assert.Null(created.Title);
        Assert.Equal(1800, created.DvrWindowSeconds);
        Assert.True(created.Record);
    }

    [Fact]
    public async Task Reset_key_issues_a_new_key_and_the_urls_follow_it()
    {
        var project = await fixture.NewProjectAsync("live-reset");
        var created = await CreateAsync(project.Http, new { title = "reset" });

        using var response = await project.Http.PostAsync($"/v1/live-streams/{created.Id}/reset-key", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reset = (await response.Content.ReadFromJsonAsync<LiveStreamResponse>())!;

        Assert.NotEqual(created.StreamKey, reset.StreamKey);
        Assert.Contains(Uri.EscapeDataString(reset.StreamKey!), reset.SrtUrl);
        Assert.Equal(reset.StreamKey, (await project.Http.GetFromJsonAsync<LiveStreamResponse>($"/v1/live-streams/{created.Id}"))!.StreamKey);
    }

    [Theory]
    [InlineData("""{"dvrWindowSeconds": 59}""", "dvrWindowSeconds must be a whole number of seconds from 60 to 21600")]
    [InlineData("""{"dvrWindowSeconds": 21601}""", "dvrWindowSeconds must be")]
    [InlineData("""{"dvrWindowSeconds": "long"}""", "dvrWindowSeconds must be")]
    [InlineData("""{"dvrWindowSeconds": 90.5}""", "dvrWindowSeconds must be")]
    [InlineData("""{"record": "yes"}""", "record must be true or false")]
    [InlineData("""{"title": 12}""", "title must be a string")]
    [InlineData("""{"dvrWindow": 600}""", "'dvrWindow' is not a field of a live stream")]
    [InlineData("""[1, 2]""", "must be a JSON object")]
    [InlineData("""{"title": """, "not valid JSON")]
    public async Task Bad_bodies_are_refused_with_what_is_wrong(string body, string expected)
    {
        var project = await fixture.NewProjectAsync("live-bad");
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        var detail = await ProblemAsync(await project.Http.PostAsync("/v1/live-streams", content), HttpStatusCode.BadRequest);

        Assert.Contains(expected, detail);
        Assert.Empty((await project.Http.GetFromJsonAsync<LiveStreamPage>("/v1/live-streams"))!.Items);
    }

    [Fact]
    public async Task A_title_longer_than_200_characters_is_refused()
    {
        var project = await fixture.NewProjectAsync("live-title");
        var detail = await ProblemAsync(await project.Http.PostAsJsonAsync("/v1/live-streams", new { title = new string('t', 201) }), HttpStatusCode.BadRequest);
        Assert.Contains("title must be at most 200 characters", detail);
    }

    [Fact]
    public async Task Another_projects_stream_is_not_found_anywhere()
    {
        var owner = await fixture.NewProjectAsync("live-owner");
        var stranger = await fixture.NewProjectAsync("live-stranger");
        var stream = await CreateAsync(owner.Http, new { title = "private" });

        await ProblemAsync(await stranger.Http.GetAsync($"/v1/live-streams/{stream.Id}"), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.Http.DeleteAsync($"/v1/live-streams/{stream.Id}"), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.Http.PostAsync($"/v1/live-streams/{stream.Id}/reset-key", null), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.Http.PostAsync($"/v1/live-streams/{stream.Id}/playback", null), HttpStatusCode.NotFound);
        Assert.DoesNotContain((await stranger.Http.GetFromJsonAsync<LiveStreamPage>("/v1/live-streams"))!.Items, item => item.Id == stream.Id);

        // Nothing the stranger did touched it.
        Assert.Equal(stream.StreamKey, (await owner.Http.GetFromJsonAsync<LiveStreamResponse>($"/v1/live-streams/{stream.Id}"))!.StreamKey);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_live_stream_routes_and_webhooks_take_live_events()
    {
        var document = await Node.Http.GetStringAsync("/openapi/v1.json");
        foreach (var path in new[] { "\"/v1/live-streams\"", "\"/v1/live-streams/{id}\"", "\"/v1/live-streams/{id}/reset-key\"", "\"/v1/live-streams/{id}/playback\"" })
        {
            Assert.Contains(path, document);
        }
        Assert.Contains("LiveStreamResponse", document);

        var project = await fixture.NewProjectAsync("live-webhooks");
        using var created = await project.Http.PostAsJsonAsync("/v1/webhooks", new { url = "https://example.com/hooks", events = new[] { "live.connected", "live.ended", "live.recording.ready" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Fact]
    public async Task Callers_without_a_project_key_are_refused()
    {
        using var anonymous = Node.CreateClient(null);
        foreach (var path in new[] { "/v1/live-streams", "/v1/live-streams/ls_x" })
        {
            var detail = await ProblemAsync(await anonymous.GetAsync(path), HttpStatusCode.Unauthorized);
            Assert.Contains("x-api-key", detail);
        }
        await ProblemAsync(await anonymous.PostAsync("/v1/live-streams", null), HttpStatusCode.Unauthorized);
        // The admin key manages projects; streams belong to a project's key, as videos do.
        await ProblemAsync(await fixture.Admin.PostAsync("/v1/live-streams", null), HttpStatusCode.Forbidden);
    }
}
