using System.Net.Http.Json;
using Streamio.Abstractions.Wire;
using Streamio.Host.Api;
using Streamio.Testing;

namespace Streamio.Host.Tests.Forensics;

/// <summary>
/// One node with a forensic video, encoded once and shared: 30 s of a moving picture at 640x360 in 2 s segments, its
/// one rung (360p) also encoded as copies A and B. Leaks of it are recorded from real playback URLs.
/// </summary>
public sealed class ForensicFixture : IAsyncLifetime
{
    /// <summary>
    /// Long enough that a leak from 6–11 s on holds 14–16 segments: some other viewer's random code then equals the
    /// leaking one's on every segment read in about one run of a thousand (over the 9–11 segments of a 30 s clip, one in
    /// 40: it happened, and the answer, "fits several viewers", was right).
    /// </summary>
    public const double ClipSeconds = 40;

    public StreamioNode Node { get; private set; } = null!;

    public string Folder { get; } = Directory.CreateTempSubdirectory("streamio-forensic-").FullName;

    public VideoResponse Video { get; private set; } = null!;

    public string OtherClip { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Node = await StreamioNode.StartAsync(settings =>
        {
            settings["Streamio:Encoding:SegmentSeconds"] = "2";
            settings["Streamio:Encoding:SegmentsPerChunk"] = "4";
            settings["Streamio:Encoding:MaxSegmentsPerChunk"] = "4";
            foreach (var key in settings.Keys.Where(key => key.StartsWith("Streamio:Encoding:Ladder:", StringComparison.Ordinal)).ToList())
            {
                settings.Remove(key);
            }
            settings["Streamio:Encoding:Ladder:0:Name"] = "360p";
            settings["Streamio:Encoding:Ladder:0:Width"] = "640";
            settings["Streamio:Encoding:Ladder:0:Height"] = "360";
            settings["Streamio:Encoding:Ladder:0:VideoKbps"] = "1000";
            settings["Streamio:Forensics:Rung"] = "720p";
            settings["Streamio:Ffmpeg:Preset"] = "veryfast";
        });
        var clip = await LeakSimulator.MovingClipAsync(Path.Combine(Folder, "clip.mp4"), ClipSeconds, 640, 360, seed: 7);
        OtherClip = await LeakSimulator.MovingClipAsync(Path.Combine(Folder, "other.mp4"), 20, 640, 360, seed: 99, pattern: "smptehdbars");
        Video = await Node.WaitForReadyAsync((await UploadAsync(clip, forensic: "true")).Id);
        Assert.Equal("ready", Video.Status);
    }

    public async Task<VideoResponse> UploadAsync(string path, string? forensic)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StreamContent(File.OpenRead(path)), "file", "clip.mp4");
        if (forensic is not null)
        {
            form.Add(new StringContent(forensic), "forensic");
        }
        using var response = await Node.Http.PostAsync("/v1/videos", form);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<VideoResponse>())!;
    }

    public async Task<string> PlaybackUrlAsync(string videoId, string? viewer)
    {
        using var response = await Node.Http.PostAsJsonAsync($"/v1/videos/{videoId}/playback", new PlaybackRequest(null, viewer));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<PlaybackResponse>())!.Url;
    }

    /// <summary>A leak recorded from <paramref name="viewer"/>'s playback URL (none: the unmarked stream).</summary>
    public async Task<string> LeakAsync(string? viewer, LeakDegradation degradation) =>
        await LeakSimulator.RecordAsync(await PlaybackUrlAsync(Video.Id, viewer), degradation, Path.Combine(Folder, $"leak-{viewer ?? "none"}-{Guid.NewGuid():N}.mp4"));

    public async Task<HttpResponseMessage> DetectAsync(string? videoId, string path)
    {
        using var form = new MultipartFormDataContent();
        if (videoId is not null)
        {
            form.Add(new StringContent(videoId), "videoId");
        }
        form.Add(new StreamContent(File.OpenRead(path)), "file", "leak.mp4");
        return await Node.Http.PostAsync("/v1/forensics/detect", form);
    }

    public async Task<LeakDetectionResponse> DetectOkAsync(string path)
    {
        using var response = await DetectAsync(Video.Id, path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return System.Text.Json.JsonSerializer.Deserialize<LeakDetectionResponse>(body, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class ForensicCollection : ICollectionFixture<ForensicFixture>
{
    public const string Name = "forensic video";
}
