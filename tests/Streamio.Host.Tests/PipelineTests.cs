using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Streamio.Abstractions.Videos;
using Streamio.Grains.Videos;
using Streamio.Host.Api;
using Streamio.Media;
using Streamio.Storage;
using Streamio.Testing;

namespace Streamio.Host.Tests;

/// <summary>Upload to ready, proven by real clients: FFmpeg's HLS demuxer through the tokenized URLs, and the stored segments.</summary>
[Collection(SharedNodeCollection.Name)]
public sealed class PipelineTests(SharedNodeFixture fixture)
{
    private StreamioNode Node => fixture.Node;
    private static ClipSpec Clip => SharedNodeFixture.StandardClip;

    [Fact]
    public async Task An_upload_becomes_ready_with_every_rendition_and_its_images()
    {
        var video = await fixture.ReadyVideoAsync();

        Assert.Equal("ready", video.Status);
        Assert.Null(video.Error);
        Assert.True(video.Playable);
        Assert.Equal(1, video.Progress);
        Assert.Equal("Standard clip", video.Title);
        Assert.Equal((854, 480), (video.Width, video.Height));
        Assert.InRange(video.DurationSeconds!.Value, Clip.DurationSeconds - 0.1, Clip.DurationSeconds + 0.1);
        Assert.Equal(["240p", "360p", "480p", "audio"], video.Renditions.Select(r => r.Name));
        Assert.All(video.Renditions, r => Assert.Equal(("ready", 1.0), (r.Status, r.Progress)));
        Assert.Equal((428, 240, 400), (video.Renditions[0].Width!.Value, video.Renditions[0].Height!.Value, video.Renditions[0].BitrateKbps));

        var poster = await Node.Http.GetAsync(video.ThumbnailUrl);
        Assert.Equal("image/jpeg", poster.Content.Headers.ContentType?.MediaType);
        Assert.Equal([0xFF, 0xD8], (await poster.Content.ReadAsByteArrayAsync())[..2]);
        var vtt = await Node.Http.GetStringAsync(video.StoryboardUrl);
        Assert.StartsWith("WEBVTT", vtt);
        Assert.Contains("storyboard.jpg#xywh=0,0,160,90", vtt);
        var sprite = await Node.Http.GetAsync($"/v1/videos/{video.Id}/storyboard.jpg");
        Assert.Equal(HttpStatusCode.OK, sprite.StatusCode);

        var storage = Node.Services.GetRequiredService<IObjectStorage>();
        Assert.False(await storage.ExistsAsync(StorageKeys.Source("default", video.Id), CancellationToken.None), "the source is deleted after success");
    }

    [Fact]
    public async Task FFmpegs_HLS_client_decodes_every_frame_of_every_rendition_through_the_tokenized_master()
    {
        var video = await fixture.ReadyVideoAsync();
        var url = await Node.PlaybackUrlAsync(video.Id);

        for (var rendition = 0; rendition < 3; rendition++)
        {
            var frames = await MediaInspector.CountFramesAsync(url, $"v:{rendition}");
            Assert.InRange(frames, Clip.FrameCount - 1, Clip.FrameCount + 1);
        }
        var audioSeconds = await MediaInspector.DurationAsync(url);
        Assert.InRange(audioSeconds, Clip.DurationSeconds - 0.2, Clip.DurationSeconds + 0.2);
    }

    [Fact]
    public async Task Each_renditions_decrypted_segments_in_order_join_without_gap_or_overlap()
    {
        var video = await fixture.ReadyVideoAsync();
        var storage = Node.Services.GetRequiredService<IObjectStorage>();
        var grains = Node.Services.GetRequiredService<IGrainFactory>();
        using var scratch = new TempDirectory();

        foreach (var rendition in video.Renditions)
        {
            var grain = grains.GetGrain<IVariantGrain>(VariantKeys.Of(video.Id, rendition.Name));
            var variant = (await grain.GetAsync())!;
            var path = Path.Combine(scratch.Path, $"{variant.Name}.ts");
            await RenditionReader.DecryptToFileAsync(storage, variant, (await grain.GetKeyAsync())!, path, CancellationToken.None);
            var stream = variant.IsAudio ? "a:0" : "v:0";
            var packets = (await MediaInspector.PacketsAsync(path, stream)).OrderBy(p => p.Pts).ToList();
            var deltas = MediaInspector.PtsDeltas(packets);
            var step = deltas.Min();
            Assert.All(deltas, delta => Assert.InRange(delta, step - 1e-3, step + 1e-3));
            // MPEG-TS packets carry no duration: the span is first to last plus one step.
            var span = packets[^1].Pts + step - packets[0].Pts;
            Assert.InRange(span, Clip.DurationSeconds - 0.05, Clip.DurationSeconds + 0.1);
            if (!variant.IsAudio)
            {
                Assert.InRange(await MediaInspector.CountFramesAsync(path), Clip.FrameCount - 1, Clip.FrameCount + 1);
                Assert.InRange(step, 1 / Clip.Fps - 1e-3, 1 / Clip.Fps + 1e-3);
            }
        }
    }

    [Fact]
    public async Task Playlists_carry_the_token_everywhere_and_only_segments_are_cacheable()
    {
        var video = await fixture.ReadyVideoAsync();
        var url = await Node.PlaybackUrlAsync(video.Id);
        var token = new Uri(url).Query;

        var master = await Node.Http.GetAsync(url);
        Assert.Equal("no-store", master.Headers.CacheControl?.ToString());
        Assert.Equal("application/vnd.apple.mpegurl", master.Content.Headers.ContentType?.MediaType);
        var masterText = await master.Content.ReadAsStringAsync();
        var uris = masterText.Split('\n').Where(line => line.Length > 0 && !line.StartsWith('#')).ToList();
        Assert.Equal([$"240p.m3u8{token}", $"360p.m3u8{token}", $"480p.m3u8{token}"], uris);
        Assert.Contains($"URI=\"audio.m3u8{token}\"", masterText);

        var media = await Node.Http.GetAsync($"/play/{video.Id}/360p.m3u8{token}");
        Assert.Equal("no-store", media.Headers.CacheControl?.ToString());
        var mediaText = await media.Content.ReadAsStringAsync();
        Assert.Contains("#EXT-X-PLAYLIST-TYPE:VOD", mediaText);
        Assert.EndsWith("#EXT-X-ENDLIST\n", mediaText);
        Assert.Contains($"#EXT-X-KEY:METHOD=AES-128,URI=\"/keys/{video.Id}/360p{token}\",IV=0x00000000000000000000000000000001", mediaText);
        Assert.Contains($"360p/4.ts{token}", mediaText);

        var key = await Node.Http.GetAsync($"/keys/{video.Id}/360p{token}");
        Assert.Equal("no-store", key.Headers.CacheControl?.ToString());
        Assert.Equal(16, (await key.Content.ReadAsByteArrayAsync()).Length);

        var segment = await Node.Http.GetAsync($"/play/{video.Id}/360p/0.ts{token}");
        Assert.Equal(HttpStatusCode.OK, segment.StatusCode);
        Assert.Contains("max-age", segment.Headers.CacheControl?.ToString());
        Assert.Equal("video/mp2t", segment.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Videos_are_listed_newest_first_with_a_cursor_and_a_delete_removes_every_object_and_row()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 2, Width: 320, Height: 180, WithAudio: false));
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await Node.UploadOkAsync(clip, $"page {i}")).Id);
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = (await Node.Http.GetFromJsonAsync<VideoPage>($"/v1/videos?limit=2{(cursor is null ? "" : $"&cursor={cursor}")}"))!;
            Assert.InRange(page.Items.Count, 1, 2);
            seen.AddRange(page.Items.Select(item => item.Id));
            cursor = page.NextCursor;
        } while (cursor is not null);
        var ours = seen.Where(ids.Contains).ToList();
        Assert.Equal(Enumerable.Reverse(ids), ours);
        Assert.Equal(seen.Count, seen.Distinct().Count());

        foreach (var id in ids)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await Node.Http.DeleteAsync($"/v1/videos/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Http.GetAsync($"/v1/videos/{id}")).StatusCode);
            await AssertEventuallyGoneAsync(id);
        }
    }

    /// <summary>A delete may race a running chunk; once that notices, nothing of the video is left.</summary>
    internal static async Task AssertEventuallyGoneAsync(StreamioNode node, string id)
    {
        var folder = Path.Combine(node.DataPath, "objects", "videos", id);
        var grains = node.Services.GetRequiredService<IGrainFactory>();
        for (var i = 0; i < 300 && Directory.Exists(folder); i++)
        {
            await Task.Delay(100);
        }
        Assert.False(Directory.Exists(folder), $"objects of {id} are left behind");
        Assert.Null(await grains.GetGrain<IVideoGrain>(id).GetAsync());
        foreach (var rendition in new[] { "480p", "360p", "240p", "audio" })
        {
            Assert.Null(await grains.GetGrain<IVariantGrain>(VariantKeys.Of(id, rendition)).GetAsync());
        }
    }

    private Task AssertEventuallyGoneAsync(string id) => AssertEventuallyGoneAsync(Node, id);
}
