using System.Globalization;
using System.Text;

namespace Streamio.Media;

/// <summary>A video rendition as the master playlist announces it.</summary>
public sealed record MasterVideoEntry(string Uri, int Width, int Height, int VideoKbps, double FrameRate);

/// <summary>The audio rendition of the master playlist's "audio" group.</summary>
public sealed record MasterAudioEntry(string Uri, int BitrateKbps, int Channels = 2);

/// <summary>One segment of a live playlist; <paramref name="Discontinuity"/> marks the first one after a publisher reconnected.</summary>
public sealed record LivePlaylistSegment(int Index, double DurationSeconds, bool Discontinuity, DateTimeOffset ProgramDateTime);

/// <summary>
/// Renders HLS playlists from state. Pure: URIs arrive already built (the caller puts the playback token in every
/// one), numbers are invariant, lines end in "\n".
/// </summary>
public static class HlsPlaylists
{
    public const string AudioGroup = "audio";

    /// <summary>Bits of TS/PES overhead and VBV peaks on top of the nominal bitrates, for BANDWIDTH.</summary>
    public const double PeakOverhead = 1.10;

    /// <summary>Average overhead of MPEG-TS packaging, for AVERAGE-BANDWIDTH.</summary>
    public const double AverageOverhead = 1.05;

    /// <summary>The master playlist: the optional audio group, then one variant per video rendition, lowest first.</summary>
    public static string Master(IReadOnlyList<MasterVideoEntry> videos, MasterAudioEntry? audio) => Master(videos, audio, version: 3);

    /// <summary>The master playlist of the CMAF (fMP4) media playlists: the same, at their protocol version.</summary>
    public static string CmafMaster(IReadOnlyList<MasterVideoEntry> videos, MasterAudioEntry? audio) => Master(videos, audio, CmafVersion);

    /// <summary>EXT-X-MAP in a playlist without I-frames needs version 6; SAMPLE-AES-CTR with KEYFORMAT, version 5+.</summary>
    public const int CmafVersion = 7;

    /// <summary>W3C ClearKey's KEYFORMAT, which hls.js hands to EME as the 'org.w3.clearkey' key system.</summary>
    public const string ClearKeyFormat = "org.w3.clearkey";

    private static string Master(IReadOnlyList<MasterVideoEntry> videos, MasterAudioEntry? audio, int version)
    {
        var text = new StringBuilder();
        text.Append(Inv($"#EXTM3U\n#EXT-X-VERSION:{version}\n#EXT-X-INDEPENDENT-SEGMENTS\n"));
        if (audio is not null)
        {
            text.Append(Inv($"#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"{AudioGroup}\",NAME=\"Audio\",DEFAULT=YES,AUTOSELECT=YES,CHANNELS=\"{audio.Channels}\",URI=\"{Quoted(audio.Uri)}\"\n"));
        }

        var audioKbps = audio?.BitrateKbps ?? 0;
        foreach (var video in videos.OrderBy(v => v.VideoKbps).ThenBy(v => v.Height))
        {
            var bitsPerSecond = (video.VideoKbps + audioKbps) * 1000.0;
            var codecs = audio is null ? H264Codec(video.Height) : $"{H264Codec(video.Height)},mp4a.40.2";
            text.Append(Inv($"#EXT-X-STREAM-INF:BANDWIDTH={Math.Round(bitsPerSecond * PeakOverhead)},AVERAGE-BANDWIDTH={Math.Round(bitsPerSecond * AverageOverhead)},"));
            text.Append(Inv($"RESOLUTION={video.Width}x{video.Height},"));
            // FRAME-RATE is optional: a live ladder whose rate is unknown (0) leaves it out rather than state a wrong one.
            if (video.FrameRate > 0)
            {
                text.Append(Inv($"FRAME-RATE={video.FrameRate:0.000},"));
            }
            text.Append(Inv($"CODECS=\"{codecs}\""));
            if (audio is not null)
            {
                text.Append(Inv($",AUDIO=\"{AudioGroup}\""));
            }

            text.Append('\n').Append(Uri(video.Uri)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// A media playlist of the contiguous finished segments 0..n-1 (media sequence = index): EVENT while encoding,
    /// VOD with ENDLIST once <paramref name="complete"/>. Every segment carries its key line with the explicit IV.
    /// </summary>
    public static string Media(
        IReadOnlyList<double> segmentDurations,
        double nominalSegmentSeconds,
        bool complete,
        string keyUri,
        Func<int, string> segmentUri) =>
        Media(segmentDurations, nominalSegmentSeconds, complete, _ => keyUri, segmentUri);

    /// <summary>
    /// As above, with a key per segment: a forensic stream mixes segments of two renditions (A and B), each under its
    /// own key. HLS allows the key to change between any two segments.
    /// </summary>
    public static string Media(
        IReadOnlyList<double> segmentDurations,
        double nominalSegmentSeconds,
        bool complete,
        Func<int, string> keyUri,
        Func<int, string> segmentUri)
    {
        var longest = segmentDurations.Count == 0 ? 0 : segmentDurations.Max();
        // The epsilon only absorbs float noise (4.0000000001 is a 4 s segment).
        var target = (int)Math.Ceiling(Math.Max(longest, nominalSegmentSeconds) - 1e-6);
        var text = new StringBuilder();
        text.Append(Inv($"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:{target}\n#EXT-X-MEDIA-SEQUENCE:0\n"));
        text.Append(complete ? "#EXT-X-PLAYLIST-TYPE:VOD\n" : "#EXT-X-PLAYLIST-TYPE:EVENT\n");
        for (var i = 0; i < segmentDurations.Count; i++)
        {
            text.Append(Inv($"#EXT-X-KEY:METHOD=AES-128,URI=\"{Quoted(keyUri(i))}\",IV={SegmentCipher.IvHex(i)}\n"));
            text.Append(Inv($"#EXTINF:{segmentDurations[i]:0.000000},\n"));
            text.Append(Uri(segmentUri(i))).Append('\n');
        }

        if (complete)
        {
            text.Append("#EXT-X-ENDLIST\n");
        }

        return text.ToString();
    }

    /// <summary>
    /// A live media playlist: the sliding window <paramref name="segments"/> (oldest first; the media sequence is the first
    /// one's index), each with its key line (IV = index), its wall-clock time and, after a reconnect, a discontinuity.
    /// <paramref name="discontinuitySequence"/> counts the discontinuities that already slid out of the window, so a player
    /// keeps its timelines apart. No playlist type while live; ENDLIST once the session <paramref name="ended"/>.
    /// </summary>
    public static string Live(
        IReadOnlyList<LivePlaylistSegment> segments,
        double nominalSegmentSeconds,
        int discontinuitySequence,
        bool ended,
        Func<int, string> keyUri,
        Func<int, string> segmentUri)
    {
        var longest = segments.Count == 0 ? 0 : segments.Max(segment => segment.DurationSeconds);
        var target = (int)Math.Ceiling(Math.Max(longest, nominalSegmentSeconds) - 1e-6);
        var text = new StringBuilder();
        text.Append(Inv($"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:{target}\n#EXT-X-MEDIA-SEQUENCE:{(segments.Count == 0 ? 0 : segments[0].Index)}\n"));
        text.Append(Inv($"#EXT-X-DISCONTINUITY-SEQUENCE:{discontinuitySequence}\n"));
        foreach (var segment in segments)
        {
            if (segment.Discontinuity)
            {
                text.Append("#EXT-X-DISCONTINUITY\n");
            }

            text.Append(Inv($"#EXT-X-KEY:METHOD=AES-128,URI=\"{Quoted(keyUri(segment.Index))}\",IV={SegmentCipher.IvHex(segment.Index)}\n"));
            text.Append("#EXT-X-PROGRAM-DATE-TIME:").Append(segment.ProgramDateTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)).Append('\n');
            text.Append(Inv($"#EXTINF:{segment.DurationSeconds:0.000000},\n"));
            text.Append(Uri(segmentUri(segment.Index))).Append('\n');
        }

        if (ended)
        {
            text.Append("#EXT-X-ENDLIST\n");
        }

        return text.ToString();
    }

    /// <summary>
    /// A finished rendition's CMAF segments as a VOD media playlist: the init in EXT-X-MAP, and one key line for all,
    /// METHOD=SAMPLE-AES-CTR (CENC 'cenc') with KEYFORMAT org.w3.clearkey and the KID as a data URI: hls.js (emeEnabled,
    /// drmSystems 'org.w3.clearkey') takes the KID from it and asks the license server named in its config.
    /// </summary>
    public static string CmafMedia(IReadOnlyList<double> segmentDurations, double nominalSegmentSeconds, byte[] keyId, string mapUri, Func<int, string> segmentUri)
    {
        var longest = segmentDurations.Count == 0 ? 0 : segmentDurations.Max();
        var target = (int)Math.Ceiling(Math.Max(longest, nominalSegmentSeconds) - 1e-6);
        var text = new StringBuilder();
        text.Append(Inv($"#EXTM3U\n#EXT-X-VERSION:{CmafVersion}\n#EXT-X-TARGETDURATION:{target}\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-INDEPENDENT-SEGMENTS\n"));
        text.Append(Inv($"#EXT-X-KEY:METHOD=SAMPLE-AES-CTR,URI=\"data:text/plain;base64,{Convert.ToBase64String(keyId)}\",KEYFORMAT=\"{ClearKeyFormat}\",KEYFORMATVERSIONS=\"1\"\n"));
        text.Append(Inv($"#EXT-X-MAP:URI=\"{Quoted(mapUri)}\"\n"));
        for (var i = 0; i < segmentDurations.Count; i++)
        {
            text.Append(Inv($"#EXTINF:{segmentDurations[i]:0.000000},\n"));
            text.Append(Uri(segmentUri(i))).Append('\n');
        }

        text.Append("#EXT-X-ENDLIST\n");
        return text.ToString();
    }

    /// <summary>The RFC 6381 codec of our H.264 output: High profile, level 4.0 up to 1080p, 5.1 above.</summary>
    public static string H264Codec(int height) => FfmpegArguments.H264Level(height) == "5.1" ? "avc1.640033" : "avc1.640028";

    private static string Quoted(string uri) =>
        uri.Contains('"') ? throw new ArgumentException($"A playlist URI cannot contain '\"': {uri}") : Uri(uri);

    private static string Uri(string uri) =>
        uri.Length == 0 || uri.Contains('\n') || uri.Contains('\r') ? throw new ArgumentException("A playlist URI must be one non-empty line.") : uri;

    private static string Inv(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
