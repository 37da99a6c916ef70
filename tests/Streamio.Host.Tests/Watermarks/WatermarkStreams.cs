using System.Net;
using System.Net.Http.Json;
using Streamio.Abstractions.Wire;

namespace Streamio.Host.Tests.Watermarks;

/// <summary>What the watermark tests do through the API: ask for a watermarked URL, wait for its stream, compare frames.</summary>
internal static class WatermarkStreams
{
    public static Task<HttpResponseMessage> RequestAsync(StreamioNode node, string videoId, string? viewer, WatermarkRequest watermark, int? ttlSeconds = null) =>
        node.Http.PostAsJsonAsync($"/v1/videos/{videoId}/playback", new PlaybackRequest(ttlSeconds, viewer, watermark));

    public static async Task<WatermarkedPlaybackResponse> StartOkAsync(StreamioNode node, string videoId, string? viewer, WatermarkRequest watermark)
    {
        using var response = await RequestAsync(node, videoId, viewer, watermark);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"playback answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<WatermarkedPlaybackResponse>())!;
    }

    /// <summary>The session's video playlist, next to the master the URL names.</summary>
    public static string VideoPlaylist(string masterUrl) => masterUrl.Replace("/master.m3u8?", "/video.m3u8?", StringComparison.Ordinal);

    /// <summary>Polls the session's playlist (as a player would) until it ends; returns how many segments it listed first.</summary>
    public static async Task<string> WaitUntilCompleteAsync(StreamioNode node, string masterUrl, TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(4));
        var last = "";
        while (!cancellation.IsCancellationRequested)
        {
            using var response = await node.Http.GetAsync(VideoPlaylist(masterUrl), CancellationToken.None);
            last = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(CancellationToken.None)}";
            if (response.StatusCode == HttpStatusCode.OK && last.Contains("#EXT-X-ENDLIST", StringComparison.Ordinal))
            {
                return last;
            }
            using var master = await node.Http.GetAsync(masterUrl, CancellationToken.None);
            Assert.True(master.StatusCode != HttpStatusCode.Conflict, $"the watermarked stream failed: {await master.Content.ReadAsStringAsync(CancellationToken.None)}");
            await Task.Delay(200, CancellationToken.None);
        }
        Assert.Fail($"the watermarked stream never completed; its playlist last answered {last}");
        return last;
    }

    /// <summary>Mean absolute luma difference of two frames inside [x0, x1) x [y0, y1).</summary>
    public static double RegionDifference(byte[] a, byte[] b, int width, int x0, int y0, int x1, int y1)
    {
        long sum = 0;
        for (var y = y0; y < y1; y++)
        {
            for (var x = x0; x < x1; x++)
            {
                sum += Math.Abs(a[y * width + x] - b[y * width + x]);
            }
        }
        return (double)sum / ((x1 - x0) * (y1 - y0));
    }
}
