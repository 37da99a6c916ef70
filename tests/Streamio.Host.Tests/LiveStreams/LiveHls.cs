using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Streamio.Abstractions.Wire;

namespace Streamio.Host.Tests.LiveStreams;

/// <summary>Reads a live stream's signed playlists the way a player does: the master, a rendition's media playlist, its segments and key.</summary>
internal static partial class LiveHls
{
    /// <summary>The signed master URL and the first rendition's media playlist URL.</summary>
    public static async Task<(string Master, string Media, string Rendition)> PlaylistUrlsAsync(StreamioNode node, string liveStreamId)
    {
        using var playback = await node.Http.PostAsync($"/v1/live-streams/{liveStreamId}/playback", null);
        var url = (await playback.Content.ReadFromJsonAsync<LivePlaybackResponse>())!.Url;
        var variant = VariantUri().Match(await GetTextAsync(node, url));
        return (url, new Uri(new Uri(url), variant.Value.Trim()).AbsoluteUri, variant.Groups[1].Value);
    }

    /// <summary>A live playlist: answered, never cached.</summary>
    public static async Task<string> GetTextAsync(StreamioNode node, string url)
    {
        using var response = await node.Http.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {text}");
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return text;
    }

    /// <summary>Polls the media playlist until its last segment is past <paramref name="after"/>.</summary>
    public static async Task<string> WaitForSegmentAfterAsync(StreamioNode node, string mediaUrl, int after)
    {
        string playlist;
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(1);
        while (LastIndex(playlist = await GetTextAsync(node, mediaUrl)) <= after)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"the playlist did not advance past segment {after}:\n{playlist}");
            await Task.Delay(250);
        }
        return playlist;
    }

    public static int LastIndex(string playlist) =>
        SegmentUri().Matches(playlist).Select(match => int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)).DefaultIfEmpty(-1).Max();

    /// <summary>The playlist's last segment URL and index.</summary>
    public static (string Url, int Index) LastSegment(string mediaUrl, string playlist)
    {
        var line = playlist.Split('\n').Last(line => line.Contains(".ts?", StringComparison.Ordinal) || line.EndsWith(".ts", StringComparison.Ordinal));
        return (new Uri(new Uri(mediaUrl), line).AbsoluteUri, LastIndex(playlist));
    }

    public static string KeyUrl(string mediaUrl, string playlist) => new Uri(new Uri(mediaUrl), KeyUri().Match(playlist).Groups[1].Value).AbsoluteUri;

    [GeneratedRegex(@"^([^#\s][^.\s]*)\.m3u8\?token=\S+$", RegexOptions.Multiline)]
    private static partial Regex VariantUri();

    [GeneratedRegex(@"/(\d+)\.ts\?token=")]
    private static partial Regex SegmentUri();

    [GeneratedRegex("URI=\"([^\"]+)\"")]
    private static partial Regex KeyUri();
}
