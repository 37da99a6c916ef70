namespace Streamio.Media.Dash;

/// <summary>One CMAF rendition of a live session: its KID, timescale, the tfdt of the session's first segment, and its segments in the DVR window.</summary>
public sealed record DashLiveTrack(
    string Id, bool IsAudio, int Width, int Height, int BitrateKbps, int Timescale, byte[] KeyId, long FirstStart, IReadOnlyList<DashLiveSegment> Segments);

/// <summary>A live CMAF segment: its number, its start (tfdt), its length, and whether it begins a later leg (a reconnect).</summary>
public readonly record struct DashLiveSegment(int Index, long Start, double DurationSeconds, bool Discontinuity);

/// <summary>
/// A live session as a DASH presentation sees it: when it started (and ended), its DVR window and segment length, the
/// frame rate, and the time the MPD is made.
/// </summary>
public sealed record DashLiveSession(DateTimeOffset StartedAt, DateTimeOffset? EndedAt, double DvrWindowSeconds, double SegmentSeconds, double FrameRate, DateTimeOffset Now);

/// <summary>
/// The MPD of a live session. While it runs: dynamic, <c>availabilityStartTime</c> = the session's start, period time 0
/// = the session's first video segment (so a segment's place on the wall clock follows its tfdt), the DVR window as
/// <c>timeShiftBufferDepth</c>, refetched every segment, the server's clock inside (players need no time server). Every timeline entry carries its tfdt as <c>t</c>, so a
/// reconnect (whose timestamps go on from the earlier legs' length) needs no arithmetic from players. Once the session
/// ended: static, the window from its first segment, with its <c>mediaPresentationDuration</c>.
/// </summary>
public static class DashLive
{
    /// <summary>How many segments behind the live edge players are asked to play (as hls.js does by default).</summary>
    public const int DelaySegments = 3;

    public static DashManifest Manifest(
        IReadOnlyList<DashLiveTrack> tracks, DashLiveSession session, string licenseUrl, Func<string, string> initUrl, Func<string, string> mediaUrl)
    {
        var listed = tracks.Select(track => track with { Segments = NumberedTail(track.Segments) }).ToList();
        var lowest = listed.Where(track => !track.IsAudio).OrderBy(track => track.BitrateKbps).ThenBy(track => track.Height).FirstOrDefault();
        if (lowest is null || listed.Any(track => track.Segments.Count == 0 || track.Timescale <= 0))
        {
            throw new ArgumentException("A live DASH presentation needs a video track, and every track a timescale and a segment.", nameof(tracks));
        }

        var ended = session.EndedAt is not null;
        // Live: period time 0 is the session's start (its first segment). Ended: the window's first segment.
        var origin = (double)(ended ? lowest.Segments[0].Start : lowest.FirstStart) / lowest.Timescale;
        var sets = DashVod.Sets(
            listed.Select(track => new DashTrack(track.Id, track.IsAudio, track.Width, track.Height, track.BitrateKbps, track.KeyId,
                new DashSegmentTemplate(track.Timescale, initUrl(track.Id), mediaUrl(track.Id), track.Segments[0].Index,
                    (long)Math.Round(origin * track.Timescale), Timeline(track)))).ToList(),
            session.FrameRate, licenseUrl);
        var manifest = new DashManifest(sets) { MinBufferSeconds = session.SegmentSeconds };
        if (ended)
        {
            var last = lowest.Segments[^1];
            return manifest with { DurationSeconds = ((double)last.Start / lowest.Timescale) + last.DurationSeconds - origin };
        }

        return manifest with
        {
            Type = DashPresentationType.Dynamic,
            AvailabilityStartTime = session.StartedAt,
            PublishTime = session.Now,
            ServerTime = session.Now,
            MinimumUpdatePeriodSeconds = session.SegmentSeconds,
            TimeShiftBufferDepthSeconds = session.DvrWindowSeconds,
            SuggestedPresentationDelaySeconds = DelaySegments * session.SegmentSeconds,
        };
    }

    /// <summary>
    /// The unbroken run of numbers that ends at the newest segment: <c>$Number$</c> counts up one per entry, so a
    /// segment whose CMAF twin is missing cuts the window there.
    /// </summary>
    public static IReadOnlyList<DashLiveSegment> NumberedTail(IReadOnlyList<DashLiveSegment> segments)
    {
        var ordered = segments.OrderBy(segment => segment.Index).ToList();
        var first = ordered.Count - 1;
        while (first > 0 && ordered[first - 1].Index == ordered[first].Index - 1)
        {
            first--;
        }

        return first < 0 ? [] : ordered[first..];
    }

    /// <summary>Each segment up to the next one's start, unless a reconnect follows it (or it is the newest): then its own length.</summary>
    private static IReadOnlyList<DashSegment> Timeline(DashLiveTrack track)
    {
        var segments = track.Segments;
        var timeline = new List<DashSegment>(segments.Count);
        for (var i = 0; i < segments.Count; i++)
        {
            var duration = i + 1 < segments.Count && !segments[i + 1].Discontinuity
                ? segments[i + 1].Start - segments[i].Start
                : (long)Math.Round(segments[i].DurationSeconds * track.Timescale);
            timeline.Add(new DashSegment(segments[i].Start, Math.Max(1, duration)));
        }

        return timeline;
    }
}
