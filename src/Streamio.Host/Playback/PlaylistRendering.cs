using Streamio.Abstractions.Videos;
using Streamio.Media;

namespace Streamio.Host.Playback;

/// <summary>Turns grain state into HLS text, putting the playback token into every URI.</summary>
public static class PlaylistRendering
{
    public static string Master(VideoView video, string token)
    {
        var query = Query(token);
        var frameRate = video.Source?.FrameRate ?? 0;
        var videos = video.Renditions.Where(rendition => !rendition.IsAudio)
            .Select(rendition => new MasterVideoEntry($"{rendition.Name}.m3u8{query}", rendition.Width, rendition.Height, rendition.BitrateKbps, frameRate))
            .ToList();
        var audio = video.Renditions.FirstOrDefault(rendition => rendition.IsAudio) is { } track
            ? new MasterAudioEntry($"{track.Name}.m3u8{query}", track.BitrateKbps)
            : null;
        return HlsPlaylists.Master(videos, audio);
    }

    /// <summary>The unbroken run of finished segments; VOD with ENDLIST only when the rendition is complete.</summary>
    public static string Media(VideoView video, VariantView variant, string token)
    {
        var query = Query(token);
        var segments = variant.ContiguousDurations;
        var complete = variant.Complete && segments.Count >= variant.SegmentCount;
        return HlsPlaylists.Media(segments, video.SegmentSeconds, complete,
            $"/keys/{video.Id}/{variant.Name}{query}", index => $"{variant.Name}/{index}.ts{query}");
    }

    private static string Query(string token) => $"?token={Uri.EscapeDataString(token)}";
}
