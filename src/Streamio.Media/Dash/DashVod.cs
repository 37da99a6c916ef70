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
        var sets = new List<DashAdaptationSet>
        {
            Set("video", "video/mp4", videos, licenseUrl, track => Representation(track, origin, initUrl, mediaUrl) with
            {
                Width = track.Width, Height = track.Height, FrameRate = frameRate > 0 ? frameRate : null,
            }),
        };
        var audio = tracks.Where(track => track.IsAudio).ToList();
        if (audio.Count > 0)
        {
            sets.Add(Set("audio", "audio/mp4", audio, licenseUrl, track => Representation(track, origin, initUrl, mediaUrl) with
            {
                AudioSamplingRate = track.Timescale, AudioChannels = 2,
            }));
        }

        return new DashManifest(sets)
        {
            DurationSeconds = videos[0].DurationsSeconds.Sum(),
            MinBufferSeconds = segmentSeconds,
        };
    }

    private static DashAdaptationSet Set(string type, string mime, List<CmafTrack> tracks, string licenseUrl, Func<CmafTrack, DashRepresentation> representation) =>
        new(type, mime, tracks.Select(representation).ToList()) { Protection = new DashProtection(tracks[0].KeyId, licenseUrl) };

    private static DashRepresentation Representation(CmafTrack track, double originSeconds, Func<string, string> initUrl, Func<string, string> mediaUrl)
    {
        var codecs = track.IsAudio ? AudioCodec : HlsPlaylists.H264Codec(track.Height);
        var bandwidth = (long)Math.Round(track.BitrateKbps * 1000 * HlsPlaylists.PeakOverhead);
        var template = new DashSegmentTemplate(track.Timescale, initUrl(track.Id), mediaUrl(track.Id), 0,
            (long)Math.Round(originSeconds * track.Timescale), track.Timeline());
        return new DashRepresentation(track.Id, codecs, bandwidth, template) { KeyId = track.KeyId };
    }
}
