using Streamio.Abstractions.Forensics;
using Streamio.Abstractions.Videos;
using Streamio.Media;

namespace Streamio.Host.Playback;

/// <summary>Turns grain state into HLS text, putting the playback token into every URI.</summary>
public static class PlaylistRendering
{
    /// <summary>
    /// Every plain video rung, lowest first. A viewer of a forensic video gets the forensic rung alone: any other rung
    /// would be an unmarked stream to record.
    /// </summary>
    public static string Master(VideoView video, string token, bool forensicViewer = false)
    {
        var query = Query(token);
        var frameRate = video.Source?.FrameRate ?? 0;
        var videos = video.Renditions.Where(rendition => forensicViewer ? rendition.Name == video.ForensicRung : rendition.IsPlainVideo)
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

    /// <summary>
    /// A viewer's forensic stream: segment i from copy A or B as the viewer's code says, each under its copy's key. It
    /// lists the segments both copies have, so a viewer never waits on the one their code did not pick.
    /// </summary>
    public static string ForensicMedia(VideoView video, VariantView a, VariantView b, string token, Func<int, ForensicCopy> copyOf)
    {
        var query = Query(token);
        var count = Math.Min(a.ContiguousDurations.Count, b.ContiguousDurations.Count);
        var segments = a.ContiguousDurations.Take(count).ToList();
        var complete = a.Complete && b.Complete && count >= a.SegmentCount;
        var rung = video.ForensicRung!;
        return HlsPlaylists.Media(segments, video.SegmentSeconds, complete,
            index => $"/keys/{video.Id}/{ForensicNames.Copy(rung, copyOf(index))}{query}",
            index => $"{ForensicNames.Copy(rung, copyOf(index))}/{index}.ts{query}");
    }

    private static string Query(string token) => $"?token={Uri.EscapeDataString(token)}";
}
