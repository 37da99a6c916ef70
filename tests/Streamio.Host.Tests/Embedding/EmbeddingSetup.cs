using System.Net.Http.Json;
using Streamio.Host.Api;
using Streamio.Host.Tests.Web;
using Streamio.Testing;

namespace Streamio.Host.Tests.Embedding;

/// <summary>A project (with its key) that allows playback only from <see cref="AllowedSite"/>, and one small ready video in it.</summary>
public sealed record RestrictedVideo(string ProjectId, HttpClient Project, VideoResponse Video);

/// <summary>
/// What the embedding tests share beside the browser fixture: two foreign sites (one allowed by the restricted project,
/// one not) and that project's video. Made once, on first use.
/// </summary>
public static class EmbeddingSetup
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static ForeignSite? _allowed;
    private static ForeignSite? _other;
    private static RestrictedVideo? _restricted;

    public static async Task<(ForeignSite Allowed, ForeignSite Other)> SitesAsync()
    {
        await Gate.WaitAsync();
        try
        {
            _allowed ??= await ForeignSite.StartAsync();
            _other ??= await ForeignSite.StartAsync();
            return (_allowed, _other);
        }
        finally
        {
            Gate.Release();
        }
    }

    public static async Task<RestrictedVideo> RestrictedAsync(BrowserFixture fixture)
    {
        var (allowed, _) = await SitesAsync();
        await Gate.WaitAsync();
        try
        {
            if (_restricted is not null)
            {
                return _restricted;
            }
            var node = fixture.Node;
            using var admin = node.CreateClient(StreamioNode.AdminKey);
            using var created = await admin.PostAsJsonAsync("/v1/projects", new { name = "Embedding app" });
            created.EnsureSuccessStatusCode();
            var projectId = (await created.Content.ReadFromJsonAsync<ProjectResponse>())!.Id;
            using var key = await admin.PostAsJsonAsync($"/v1/projects/{projectId}/keys", new { name = "site" });
            var project = node.CreateClient((await key.Content.ReadFromJsonAsync<CreatedKeyResponse>())!.Key);
            using var origins = await admin.PutAsJsonAsync($"/v1/projects/{projectId}/playback-origins", new { origins = new[] { allowed.Origin } });
            origins.EnsureSuccessStatusCode();
            var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 4, Width: 320, Height: 180, Gop: 15));
            var uploaded = await node.UploadOkAsync(clip, "Restricted clip", client: project);
            var ready = await node.WaitForReadyAsync(uploaded.Id, project);
            Assert.Equal("ready", ready.Status);
            return _restricted = new RestrictedVideo(projectId, project, ready);
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>POST /v1/videos/{id}/playback with <paramref name="client"/> (the default project's when null).</summary>
    public static async Task<PlaybackResponse> PlaybackAsync(StreamioNode node, string videoId, HttpClient? client = null, int? ttlSeconds = null)
    {
        using var response = await (client ?? node.Http).PostAsJsonAsync($"/v1/videos/{videoId}/playback", new PlaybackRequest(ttlSeconds, null));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<PlaybackResponse>())!;
    }

    /// <summary>A page that plays <paramref name="masterUrl"/> with hls.js loaded from Streamio, reporting in window.__status.</summary>
    public static string HlsPage(Uri streamio, string masterUrl) => $$"""
        <!doctype html><html><head><meta charset="utf-8"><title>Someone else's app</title>
        <script src="{{new Uri(streamio, "/lib/hls.js")}}"></script></head>
        <body><h1>Someone else's app</h1><video id="v" muted playsinline width="320" height="180"></video>
        <script>
          window.__status = { errors: [] };
          const video = document.getElementById('v');
          const hls = new Hls();
          hls.on(Hls.Events.ERROR, (_, data) => { window.__status.errors.push((data.response && data.response.code) + ':' + data.details); if (data.fatal) window.__status.fatal = data.details; });
          hls.on(Hls.Events.MANIFEST_PARSED, () => video.play());
          hls.loadSource({{System.Text.Json.JsonSerializer.Serialize(masterUrl)}});
          hls.attachMedia(video);
        </script></body></html>
        """;
}
