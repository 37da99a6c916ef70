using System.Globalization;
using System.Net.Http.Json;
using Streamio.Testing;

namespace Streamio.Host.Tests;

/// <summary>
/// A short first segment (1 s before 2 s segments): every rung cuts on the same boundaries, the playlists say so per
/// segment, and FFmpeg's HLS client still decodes every frame and the whole audio through the master playlist.
/// </summary>
public sealed class ShortFirstSegmentTests
{
    private static readonly ClipSpec Clip = new(DurationSeconds: 5, Width: 640, Height: 360, Gop: 15);

    [Fact]
    public async Task Every_rung_starts_with_the_short_segment_and_plays_every_frame()
    {
        await using var node = await StreamioNode.StartAsync(settings =>
        {
            settings["Streamio:Encoding:SegmentSeconds"] = "2";
            settings["Streamio:Encoding:FirstSegmentSeconds"] = "1";
        });
        var clip = await ClipFactory.GetAsync(Clip);
        var uploaded = await node.UploadAsync(clip);
        uploaded.EnsureSuccessStatusCode();
        var id = (await uploaded.Content.ReadFromJsonAsync<Streamio.Abstractions.Wire.VideoResponse>())!.Id;
        var video = await node.WaitForReadyAsync(id);
        Assert.Equal("ready", video.Status);
        var url = await node.PlaybackUrlAsync(id);
        var token = new Uri(url).Query;

        var rungs = video.Renditions.Where(rendition => rendition.Name != "audio").Select(rendition => rendition.Name).ToList();
        Assert.Equal(["240p", "360p"], rungs);
        foreach (var rung in rungs)
        {
            var playlist = await node.Http.GetStringAsync($"/play/{id}/{rung}.m3u8{token}");
            var durations = playlist.Split('\n').Where(line => line.StartsWith("#EXTINF:", StringComparison.Ordinal))
                .Select(line => double.Parse(line["#EXTINF:".Length..].TrimEnd(','), CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(3, durations.Count);
            Assert.InRange(durations[0], 0.99, 1.01);
            Assert.InRange(durations[1], 1.99, 2.01);
            Assert.InRange(durations[2], 1.99, 2.01);
            Assert.Contains("#EXT-X-TARGETDURATION:2\n", playlist);
        }
        for (var rendition = 0; rendition < rungs.Count; rendition++)
        {
            Assert.InRange(await MediaInspector.CountFramesAsync(url, $"v:{rendition}"), Clip.FrameCount - 1, Clip.FrameCount + 1);
        }
        Assert.InRange(await MediaInspector.DurationAsync(url), Clip.DurationSeconds - 0.2, Clip.DurationSeconds + 0.2);

        // A frame in the second segment is found on the short-first timeline.
        var frame = await node.Http.GetAsync($"/play/{id}/thumbnail.jpg{token}&time=1.5");
        frame.EnsureSuccessStatusCode();
        Assert.Equal([0xFF, 0xD8], (await frame.Content.ReadAsByteArrayAsync())[..2]);
    }
}
