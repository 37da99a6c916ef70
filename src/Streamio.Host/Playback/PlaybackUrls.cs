namespace Streamio.Host.Playback;

/// <summary>
/// The signed URLs of one video, all carrying the same playback token (so they share its expiry and its video): the
/// master playlist, the poster or any frame, the storyboard, and the embed page.
/// </summary>
public sealed record PlaybackUrls(string Url, string ThumbnailUrl, string StoryboardUrl, string EmbedUrl, string DownloadUrl)
{
    public static PlaybackUrls For(string baseUrl, string videoId, string token)
    {
        var root = baseUrl.TrimEnd('/');
        var id = Uri.EscapeDataString(videoId);
        var query = $"?token={Uri.EscapeDataString(token)}";
        return new PlaybackUrls(
            $"{root}/play/{id}/master.m3u8{query}",
            $"{root}/play/{id}/thumbnail.jpg{query}",
            $"{root}/play/{id}/storyboard.vtt{query}",
            $"{root}/embed/{id}{query}",
            $"{root}/play/{id}/download.mp4{query}");
    }

    /// <summary>The scheme and host the caller reached this node by.</summary>
    public static string BaseOf(HttpRequest request) => $"{request.Scheme}://{request.Host}";
}
