using Streamio.Abstractions.Live;
using Streamio.Media;

namespace Streamio.Host.Playback;

/// <summary>
/// A live stream's HLS text from grain state, the playback token in every URI. Relative URIs resolve against
/// <c>/live/{id}/</c>: segments and keys name their session, so a player that crosses into a new session never mixes them up.
/// </summary>
public static class LivePlaylistRendering
{
    /// <summary>The session's video rungs, lowest first, and its audio group.</summary>
    public static string Master(LiveSessionView session, string token)
    {
        var query = LivePlaybackUrls.Query(token);
        var videos = session.Renditions.Where(rendition => rendition.IsPlainVideo)
            .Select(rendition => new MasterVideoEntry($"{rendition.Name}.m3u8{query}", rendition.Width, rendition.Height, rendition.BitrateKbps, 0))
            .ToList();
        var audio = session.Renditions.FirstOrDefault(rendition => rendition.IsAudio) is { } track
            ? new MasterAudioEntry($"{track.Name}.m3u8{query}", track.BitrateKbps)
            : null;
        return HlsPlaylists.Master(videos, audio);
    }

    /// <summary>The DVR window of one rendition, its key and segment URIs naming the session (see <see cref="HlsPlaylists.Live"/>).</summary>
    public static string Media(LivePlaylistView playlist, string token)
    {
        var query = LivePlaybackUrls.Query(token);
        var segments = playlist.Segments
            .Select(segment => new LivePlaylistSegment(segment.Index, segment.DurationSeconds, segment.Discontinuity, segment.ProgramDateTime))
            .ToList();
        return HlsPlaylists.Live(segments, playlist.SegmentSeconds, playlist.DiscontinuitySequence, playlist.Ended,
            _ => $"{playlist.SessionId}/{playlist.Rendition}.key{query}",
            index => $"{playlist.SessionId}/{playlist.Rendition}/{index}.ts{query}");
    }
}
