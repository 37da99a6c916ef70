namespace Streamio.Host.Playback;

/// <summary>The paths of a live stream's tokenized playback surface (under <c>/live/{id}/</c>).</summary>
public static class LivePlaybackUrls
{
    public const string Prefix = "/live";

    public static string Master(string baseUrl, string liveStreamId, string token) =>
        $"{baseUrl.TrimEnd('/')}{Prefix}/{Uri.EscapeDataString(liveStreamId)}/master.m3u8{Query(token)}";

    public static string Query(string token) => $"?token={Uri.EscapeDataString(token)}";
}
