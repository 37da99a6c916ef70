using Streamio.Abstractions.Live;

namespace Streamio.Grains.Live;

/// <summary>A rendition's DVR window: the segments whose end lies within the window of the live edge, with their wall-clock times.</summary>
public static class LiveWindow
{
    public static LivePlaylistView Of(LiveSessionState session, string rendition, int dvrWindowSeconds)
    {
        var durations = session.Durations[rendition];
        var all = new List<LiveSegment>(durations.Count);
        var legs = session.Legs.OrderBy(leg => leg.Number).ToList();
        for (var l = 0; l < legs.Count; l++)
        {
            var first = legs[l].FirstIndexes.GetValueOrDefault(rendition);
            var end = l + 1 < legs.Count ? Math.Min(durations.Count, legs[l + 1].FirstIndexes.GetValueOrDefault(rendition)) : durations.Count;
            var offset = 0.0;
            for (var index = first; index < end; index++)
            {
                // The first segment of a later leg follows a reconnect: a new timeline for the player.
                all.Add(new LiveSegment(index, durations[index], l > 0 && index == first, legs[l].ArrivedAt.AddSeconds(offset)));
                offset += durations[index];
            }
        }
        var total = durations.Sum();
        var seen = 0.0;
        var window = new List<LiveSegment>();
        var discontinuitiesBefore = 0;
        foreach (var segment in all)
        {
            seen += segment.DurationSeconds;
            if (seen > total - dvrWindowSeconds)
            {
                window.Add(segment);
            }
            else if (segment.Discontinuity)
            {
                discontinuitiesBefore++;
            }
        }
        return new LivePlaylistView(session.SessionId, rendition, window, session.SegmentSeconds, !session.Active, discontinuitiesBefore, $"{session.StoragePrefix}{rendition}/");
    }

    /// <summary>The session's CMAF renditions (those with a segment) in the DVR window: each window segment that has its CMAF twin.</summary>
    public static LiveDashView Dash(LiveSessionState session, int dvrWindowSeconds)
    {
        var tracks = new List<LiveDashTrack>();
        foreach (var rendition in session.Renditions)
        {
            if (session.Cenc.GetValueOrDefault(rendition.Name) is not { Starts.Count: > 0 } cenc)
            {
                continue;
            }
            var segments = Of(session, rendition.Name, dvrWindowSeconds).Segments
                .Where(segment => cenc.Starts.ContainsKey(segment.Index))
                .Select(segment => new LiveDashSegment(segment.Index, cenc.Starts[segment.Index], segment.DurationSeconds, segment.Discontinuity))
                .ToList();
            tracks.Add(new LiveDashTrack(rendition, cenc.KeyId, cenc.Timescale, cenc.Starts.First().Value, segments));
        }
        return new LiveDashView(session.SessionId, session.StartedAt, session.EndedAt, dvrWindowSeconds, session.SegmentSeconds, session.Source?.FrameRate,
            session.CmafPrefix, tracks);
    }
}
