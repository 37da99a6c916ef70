using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;
using Streamio.Grains;
using Streamio.Grains.Projects;
using Streamio.Host.Api;
using Streamio.Storage;

namespace Streamio.Host.Tests;

/// <summary>Projects, keys and scoping on a node with anonymous access off: every refusal is a clear problem+json.</summary>
[Collection(SecuredNodeCollection.Name)]
public sealed class TenancyTests(SecuredNodeFixture fixture)
{
    private StreamioNode Node => fixture.Node;

    private static Task<string> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected) => SecuredNodeFixture.ProblemAsync(response, expected);

    private async Task<VideoResponse> UploadJunkAsync(TestProject project)
    {
        var path = Path.Combine(Node.DataPath, $"junk-{Guid.NewGuid():N}.mp4");
        await File.WriteAllTextAsync(path, "this is not a video");
        return await Node.UploadOkAsync(path, "junk", client: project.Http);
    }

    [Fact]
    public async Task Requests_without_a_key_are_refused_with_how_to_authenticate()
    {
        using var anonymous = Node.CreateClient(null);
        foreach (var path in new[] { "/v1/videos", "/v1/videos/v_x", "/v1/webhooks", "/v1/projects" })
        {
            using var response = await anonymous.GetAsync(path);
            var detail = await ProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.Contains("x-api-key", detail);
            Assert.Contains("Authorization: Bearer", detail);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
        using var form = new MultipartFormDataContent { { new StringContent("x"), "file", "a.mp4" } };
        await ProblemAsync(await anonymous.PostAsync("/v1/videos", form), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_wrong_key_is_refused()
    {
        var project = await fixture.NewProjectAsync("wrong keys");
        var wrongSecret = project.Key[..^4] + (project.Key.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        foreach (var key in new[] { "garbage", "sk_0123456789ab_unknownunknownunknown", wrongSecret })
        {
            using var client = Node.CreateClient(key);
            Assert.Contains("not valid", await ProblemAsync(await client.GetAsync("/v1/videos"), HttpStatusCode.Unauthorized));
        }
    }

    [Fact]
    public async Task A_key_is_accepted_as_x_api_key_or_as_a_bearer_token()
    {
        var project = await fixture.NewProjectAsync("headers");
        Assert.Equal(HttpStatusCode.OK, (await project.Http.GetAsync("/v1/videos")).StatusCode);
        using var bearer = Node.CreateClient(null);
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", project.Key);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/v1/videos")).StatusCode);
    }

    [Fact]
    public async Task A_revoked_key_is_refused_at_once_and_the_projects_other_keys_keep_working()
    {
        var project = await fixture.NewProjectAsync("revoke");
        var second = await SecuredNodeFixture.CreateKeyAsync(fixture.Admin, project.Id);
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Admin.DeleteAsync($"/v1/projects/{project.Id}/keys/{project.KeyId}")).StatusCode);

        Assert.Contains("revoked", await ProblemAsync(await project.Http.GetAsync("/v1/videos"), HttpStatusCode.Unauthorized));
        using var other = Node.CreateClient(second.Key);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/v1/videos")).StatusCode);
        var keys = (await fixture.Admin.GetFromJsonAsync<KeyList>($"/v1/projects/{project.Id}/keys"))!.Items;
        Assert.Equal("revoked", keys.Single(key => key.Id == project.KeyId).Status);
        await ProblemAsync(await fixture.Admin.DeleteAsync($"/v1/projects/{project.Id}/keys/key_nope"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Rotation_issues_a_new_key_and_the_old_one_works_only_for_the_overlap()
    {
        var project = await fixture.NewProjectAsync("rotate");
        using var rotated = await fixture.Admin.PostAsJsonAsync($"/v1/projects/{project.Id}/keys/{project.KeyId}/rotate", new { overlapSeconds = 3600 });
        Assert.Equal(HttpStatusCode.Created, rotated.StatusCode);
        var next = (await rotated.Content.ReadFromJsonAsync<CreatedKeyResponse>())!;
        Assert.NotEqual(project.Key, next.Key);

        // During the overlap both keys work; the old one says when it stops.
        using var nextClient = Node.CreateClient(next.Key);
        Assert.Equal(HttpStatusCode.OK, (await project.Http.GetAsync("/v1/videos")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await nextClient.GetAsync("/v1/videos")).StatusCode);
        var keys = (await fixture.Admin.GetFromJsonAsync<KeyList>($"/v1/projects/{project.Id}/keys"))!.Items;
        var old = keys.Single(key => key.Id == project.KeyId);
        Assert.Equal((next.Id, "active"), (old.ReplacedBy, old.Status));
        Assert.InRange(old.ExpiresAt!.Value - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(61));

        // Without an overlap the replaced key stops at once.
        using var again = await fixture.Admin.PostAsJsonAsync($"/v1/projects/{project.Id}/keys/{next.Id}/rotate", new { overlapSeconds = 0 });
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        using var third = Node.CreateClient((await again.Content.ReadFromJsonAsync<CreatedKeyResponse>())!.Key);
        Assert.Contains("revoked", await ProblemAsync(await nextClient.GetAsync("/v1/videos"), HttpStatusCode.Unauthorized));
        Assert.Equal(HttpStatusCode.OK, (await third.GetAsync("/v1/videos")).StatusCode);
        await ProblemAsync(await fixture.Admin.PostAsJsonAsync($"/v1/projects/{project.Id}/keys/{next.Id}/rotate", new { }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Keys_are_stored_only_as_hashes_with_a_public_prefix()
    {
        var project = await fixture.NewProjectAsync("hashes");
        // Read as the silo stores it (a test may look; nothing else outside a grain does).
        var storage = Node.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);
        async Task<string> StoredAsync<TState>(string grainType, string stateName, string key) where TState : new()
        {
            var stored = new GrainState<TState>();
            await storage.ReadStateAsync(stateName, GrainId.Create(grainType, key), stored);
            Assert.True(stored.RecordExists, $"{grainType}/{key} is stored");
            return System.Text.Json.JsonSerializer.Serialize(stored.State);
        }
        var state = await StoredAsync<ProjectState>("project", "project", project.Id);
        Assert.DoesNotContain(project.Key, state);
        Assert.Contains(ApiKeys.Hash(project.Key), state);
        var prefix = ApiKeys.PrefixOf(project.Key)!;
        Assert.Contains(prefix, state);
        Assert.DoesNotContain(project.Key, await StoredAsync<ApiKeyIndexState>("api-key", "api-key", prefix));
        // The key is never shown again.
        Assert.DoesNotContain(project.Key, await fixture.Admin.GetStringAsync($"/v1/projects/{project.Id}/keys"));
    }

    [Fact]
    public async Task Another_projects_video_answers_404_everywhere_and_is_never_listed()
    {
        var owner = await fixture.NewProjectAsync("owner");
        var stranger = await fixture.NewProjectAsync("stranger");
        var video = await UploadJunkAsync(owner);

        foreach (var path in new[] { "", "/thumbnail.jpg", "/storyboard.jpg", "/storyboard.vtt" })
        {
            await ProblemAsync(await stranger.Http.GetAsync($"/v1/videos/{video.Id}{path}"), HttpStatusCode.NotFound);
        }
        await ProblemAsync(await stranger.Http.PostAsJsonAsync($"/v1/videos/{video.Id}/playback", new { }), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.Http.DeleteAsync($"/v1/videos/{video.Id}"), HttpStatusCode.NotFound);
        Assert.Empty((await stranger.Http.GetFromJsonAsync<VideoPage>("/v1/videos"))!.Items);

        // The owner still has it, listed, and its objects live under its project.
        Assert.Equal(video.Id, (await owner.Http.GetFromJsonAsync<VideoPage>("/v1/videos"))!.Items.Single().Id);
        Assert.Equal(HttpStatusCode.OK, (await owner.Http.GetAsync($"/v1/videos/{video.Id}")).StatusCode);
        var storage = Node.Services.GetRequiredService<IObjectStorage>();
        Assert.True(await storage.ExistsAsync(StorageKeys.Source(owner.Id, video.Id), CancellationToken.None));
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Http.DeleteAsync($"/v1/videos/{video.Id}")).StatusCode);
        await ProblemAsync(await owner.Http.GetAsync($"/v1/videos/{video.Id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_project_key_cannot_use_admin_endpoints_and_the_admin_key_is_not_a_project()
    {
        var project = await fixture.NewProjectAsync("roles");
        Assert.Contains("admin key", await ProblemAsync(await project.Http.GetAsync("/v1/projects"), HttpStatusCode.Forbidden));
        await ProblemAsync(await project.Http.PostAsJsonAsync("/v1/projects", new { name = "sneaky" }), HttpStatusCode.Forbidden);
        await ProblemAsync(await project.Http.PostAsJsonAsync($"/v1/projects/{project.Id}/keys", new { }), HttpStatusCode.Forbidden);
        await ProblemAsync(await project.Http.DeleteAsync($"/v1/projects/{project.Id}/keys/{project.KeyId}"), HttpStatusCode.Forbidden);
        Assert.Contains("project API key", await ProblemAsync(await fixture.Admin.GetAsync("/v1/videos"), HttpStatusCode.Forbidden));
        await ProblemAsync(await fixture.Admin.GetAsync("/v1/webhooks"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_admin_lists_and_reads_projects_and_unknown_ones_are_404()
    {
        var project = await fixture.NewProjectAsync("listed");
        var listed = (await fixture.Admin.GetFromJsonAsync<ProjectList>("/v1/projects"))!.Items;
        Assert.Contains(listed, item => item.Id == ProjectIds.Default);
        Assert.Equal(("listed", 1), listed.Where(item => item.Id == project.Id).Select(item => (item.Name, item.ActiveKeys)).Single());
        Assert.Equal("listed", (await fixture.Admin.GetFromJsonAsync<ProjectResponse>($"/v1/projects/{project.Id}"))!.Name);
        await ProblemAsync(await fixture.Admin.GetAsync("/v1/projects/p_nope"), HttpStatusCode.NotFound);
        await ProblemAsync(await fixture.Admin.PostAsJsonAsync("/v1/projects/p_nope/keys", new { }), HttpStatusCode.NotFound);
        await ProblemAsync(await fixture.Admin.GetAsync("/v1/projects/p_nope/keys"), HttpStatusCode.NotFound);
        await ProblemAsync(await fixture.Admin.PostAsJsonAsync($"/v1/projects/{project.Id}/keys/key_nope/rotate", new { }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Bad_bodies_are_refused_with_what_was_expected()
    {
        var admin = fixture.Admin;
        var project = await fixture.NewProjectAsync("bodies");
        Assert.Contains("name is required", await ProblemAsync(await admin.PostAsync("/v1/projects", null), HttpStatusCode.BadRequest));
        await ProblemAsync(await admin.PostAsJsonAsync("/v1/projects", new { name = "  " }), HttpStatusCode.BadRequest);
        await ProblemAsync(await admin.PostAsJsonAsync("/v1/projects", new { name = new string('x', 101) }), HttpStatusCode.BadRequest);
        Assert.Contains("not valid JSON", await ProblemAsync(await admin.PostAsync("/v1/projects", Json("{\"name\":")), HttpStatusCode.BadRequest));
        await ProblemAsync(await admin.PostAsync($"/v1/projects/{project.Id}/keys", Json("[1,2")), HttpStatusCode.BadRequest);
        await ProblemAsync(await admin.PostAsJsonAsync($"/v1/projects/{project.Id}/keys", new { name = new string('x', 101) }), HttpStatusCode.BadRequest);
        foreach (var overlap in new[] { -1, 10_000_000 })
        {
            await ProblemAsync(await admin.PostAsJsonAsync($"/v1/projects/{project.Id}/keys/{project.KeyId}/rotate", new { overlapSeconds = overlap }), HttpStatusCode.BadRequest);
        }
        foreach (var body in new object[] { new { }, new { url = "not a url" }, new { url = "ftp://example.com/x" }, new { url = "http://127.0.0.1/x", events = new[] { "video.exploded" } } })
        {
            await ProblemAsync(await project.Http.PostAsJsonAsync("/v1/webhooks", body), HttpStatusCode.BadRequest);
        }
        await ProblemAsync(await project.Http.PostAsync("/v1/webhooks", Json("{")), HttpStatusCode.BadRequest);
        Assert.Empty((await project.Http.GetFromJsonAsync<WebhookList>("/v1/webhooks"))!.Items);
    }

    [Fact]
    public async Task A_short_admin_key_stops_the_node_at_start_up()
    {
        using var scratch = new Streamio.Testing.TempDirectory();
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            StreamioNode.StartAsync(settings => settings["Streamio:Auth:AdminKey"] = "too-short", scratch.Path));
        Assert.Contains("at least 16 characters", error.Message);
    }

    private static StringContent Json(string text) => new(text, System.Text.Encoding.UTF8, "application/json");
}

/// <summary>The embedded default: no key needed from loopback, bound to the "default" project, and never admin.</summary>
[Collection(SharedNodeCollection.Name)]
public sealed class AnonymousAccessTests(SharedNodeFixture fixture)
{
    [Fact]
    public async Task Anonymous_loopback_callers_act_in_the_default_project_but_are_not_admin()
    {
        var node = fixture.Node;
        Assert.Equal(HttpStatusCode.OK, (await node.Http.GetAsync("/v1/videos")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await node.Http.GetAsync("/v1/webhooks")).StatusCode);
        await SecuredNodeFixture.ProblemAsync(await node.Http.GetAsync("/v1/projects"), HttpStatusCode.Unauthorized);
        // A key that is sent is checked, even where anonymous access would do.
        using var wrong = node.CreateClient("sk_0123456789ab_wrongwrongwrong");
        await SecuredNodeFixture.ProblemAsync(await wrong.GetAsync("/v1/videos"), HttpStatusCode.Unauthorized);
    }
}
