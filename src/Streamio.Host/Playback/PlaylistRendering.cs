using Streamio.Grains.Videos;
using Streamio.Media;

namespace Streamio.Host.Playback;

/// <summary>Turns grain state into HLS text, putting the playback token into every URI.</summary>
public static class PlaylistRendering
{
    public static string Master(VideoSnapshot video, string token)
    {
        var query = Query(token);
        var frameRate = video.Video.Source?.FrameRate ?? 0;
        var videos = video.Variants.Where(variant => !variant.IsAudio)
            .Select(variant => new MasterVideoEntry($"{variant.Name}.m3u8{query}", variant.Width, variant.Height, variant.BitrateKbps, frameRate))
            .ToList();
        var audio = video.Variants.FirstOrDefault(variant => variant.IsAudio) is { } track
            ? new MasterAudioEntry($"{track.Name}.m3u8{query}", track.BitrateKbps)
            : null;
        return HlsPlaylists.Master(videos, audio);
    }

    /// <summary>The unbroken run of finished segments; VOD with ENDLIST only when the rendition is complete.</summary>
    public static string Media(VideoSnapshot video, VariantState variant, string token)
    {
        var query = Query(token);
        var segments = variant.ContiguousPrefix();
        var complete = variant.Complete && segments.Count >= variant.SegmentCount;
        return HlsPlaylists.Media(segments, video.Video.Plan!.SegmentSeconds, complete,
            $"/keys/{video.Video.Id}/{variant.Name}{query}", index => $"{variant.Name}/{index}.ts{query}");
    }

    private static string Query(string token) => $"?token={Uri.EscapeDataString(token)}";
}
