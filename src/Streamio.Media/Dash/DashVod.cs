namespace Streamio.Media.Dash;

/// <summary>
/// One finished CMAF rendition of a video: its segments' start times (tfdt, in <see cref="Timescale"/>), their lengths
/// in seconds (the last one's only comes from here) and its KID.
/// </summary>
public sealed record CmafTrack(
    string Id, bool IsAudio, int Width, int Height, int BitrateKbps, int Timescale, IReadOnlyList<long> Starts, IReadOnlyList<double> DurationsSeconds, byte[] KeyId)
{
    /// <summary>Each segment's start and duration: up to the next one's start, the last one by its length in seconds.</summary>
    public IReadOnlyList<DashSegment> Timeline()
    {
        var segments = new List<DashSegment>(Starts.Count);
        for (var i = 0; i < Starts.Count; i++)
        {
            var duration = i + 1 < Starts.Count ? Starts[i + 1] - Starts[i] : (long)Math.Round(DurationsSeconds[i] * Timescale);
            segments.Add(new DashSegment(Starts[i], Math.Max(1, duration)));
        }

        return segments;
    }
}

/// <summary>
/// The static MPD of a finished video: one video set (a representation per rung, lowest first) and the audio set.
/// Period time 0 is the first video segment's start, so audio and video keep their offset on the source timeline.
/// </summary>
public static class DashVod
{
    public const string AudioCodec = "mp4a.40.2";

    public static DashManifest Manifest(
        IReadOnlyList<CmafTrack> tracks, double frameRate, double segmentSeconds, string licenseUrl, Func<string, string> initUrl, Func<string, string> mediaUrl)
    {
        var videos = tracks.Where(track => !track.IsAudio).OrderBy(track => track.BitrateKbps).ThenBy(track => track.Height).ToList();
        if (videos.Count == 0 || tracks.Any(track => track.Starts.Count == 0 || track.Starts.Count != track.DurationsSeconds.Count))
        {
            throw new ArgumentException("A DASH presentation needs a video track, and every track its segments' starts and durations.", nameof(tracks));
        }

        var origin = (double)videos[0].Starts[0] / videos[0].Timescale;
        var sets = Sets(
            tracks.Select(track => new DashTrack(track.Id, track.IsAudio, track.Width, track.Height, track.BitrateKbps, track.KeyId,
                new DashSegmentTemplate(track.Timescale, initUrl(track.Id), mediaUrl(track.Id), 0, (long)Math.Round(origin * track.Timescale), track.Timeline()))).ToList(),
            frameRate, licenseUrl);
        return new DashManifest(sets)
        {
            DurationSeconds = videos[0].DurationsSeconds.Sum(),
            MinBufferSeconds = segmentSeconds,
        };
    }

    /// <summary>The video set (lowest rung first) and the audio set, each under its first track's KID.</summary>
    internal static List<DashAdaptationSet> Sets(IReadOnlyList<DashTrack> tracks, double frameRate, string licenseUrl)
    {
        var videos = tracks.Where(track => !track.IsAudio).OrderBy(track => track.BitrateKbps).ThenBy(track => track.Height).ToList();
        var sets = new List<DashAdaptationSet>
        {
            Set("video", "video/mp4", videos, licenseUrl, track => Representation(track) with
            {
                Width = track.Width, Height = track.Height, FrameRate = frameRate > 0 ? frameRate : null,
            }),
        };
        var audio = tracks.Where(track => track.IsAudio).ToList();
        if (audio.Count > 0)
        {
            sets.Add(Set("audio", "audio/mp4", audio, licenseUrl, track => Representation(track) with
            {
                AudioSamplingRate = track.Template.Timescale, AudioChannels = 2,
            }));
        }

        return sets;
    }

    private static DashAdaptationSet Set(string type, string mime, List<DashTrack> tracks, string licenseUrl, Func<DashTrack, DashRepresentation> representation) =>
        new(type, mime, tracks.Select(representation).ToList()) { Protection = new DashProtection(tracks[0].KeyId, licenseUrl) };

    private static DashRepresentation Representation(DashTrack track)
    {
        var codecs = track.IsAudio ? AudioCodec : HlsPlaylists.H264Codec(track.Height);
        var bandwidth = (long)Math.Round(track.BitrateKbps * 1000 * HlsPlaylists.PeakOverhead);
        return new DashRepresentation(track.Id, codecs, bandwidth, track.Template) { KeyId = track.KeyId };
    }
}

/// <summary>One CMAF rendition as a representation: what it is, its KID and its segment template.</summary>
internal sealed record DashTrack(string Id, bool IsAudio, int Width, int Height, int BitrateKbps, byte[] KeyId, DashSegmentTemplate Template);
