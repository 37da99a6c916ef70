using System.Globalization;
using System.Text;
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

    /// <summary>
    /// A sliding window (no playlist type, so segments may leave it): the media sequence is the first segment's index,
    /// every segment has its wall-clock time (players show and seek the DVR window by it), a later leg starts with a
    /// discontinuity, and an ended session gets ENDLIST.
    /// </summary>
    public static string Media(LivePlaylistView playlist, string token)
    {
        var query = LivePlaybackUrls.Query(token);
        var segments = playlist.Segments;
        var longest = segments.Count == 0 ? 0 : segments.Max(segment => segment.DurationSeconds);
        var target = (int)Math.Ceiling(Math.Max(longest, playlist.SegmentSeconds) - 1e-6);
        var text = new StringBuilder();
        text.Append(Inv($"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:{target}\n#EXT-X-MEDIA-SEQUENCE:{(segments.Count == 0 ? 0 : segments[0].Index)}\n"));
        var keyUri = $"{playlist.SessionId}/{playlist.Rendition}.key{query}";
        foreach (var segment in segments)
        {
            if (segment.Discontinuity)
            {
                text.Append("#EXT-X-DISCONTINUITY\n");
            }
            text.Append(Inv($"#EXT-X-PROGRAM-DATE-TIME:{segment.ProgramDateTime.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}\n"));
            text.Append(Inv($"#EXT-X-KEY:METHOD=AES-128,URI=\"{keyUri}\",IV={SegmentCipher.IvHex(segment.Index)}\n"));
            text.Append(Inv($"#EXTINF:{segment.DurationSeconds:0.000000},\n"));
            text.Append(Inv($"{playlist.SessionId}/{playlist.Rendition}/{segment.Index}.ts{query}\n"));
        }
        if (playlist.Ended)
        {
            text.Append("#EXT-X-ENDLIST\n");
        }
        return text.ToString();
    }

    private static string Inv(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
