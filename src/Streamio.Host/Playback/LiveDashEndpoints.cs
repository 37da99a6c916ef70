using Microsoft.Extensions.Options;
using Streamio.Abstractions.Live;
using Streamio.Host.Http;
using Streamio.Media.Cmaf;
using Streamio.Media.Dash;
using Streamio.Storage;

namespace Streamio.Host.Playback;

/// <summary>
/// A live stream's DASH side under <c>/live/{liveStreamId}/</c>, behind the same live token as its HLS: the MPD (made per
/// request from the stream's window, dynamic while the session runs, static once it ended), the CENC init and media
/// segments (under the session's id, so they are immutable and cacheable like the TS ones), and the W3C ClearKey
/// license server.
/// </summary>
public static class LiveDashEndpoints
{
    public static RouteGroupBuilder MapLiveDashEndpoints(this RouteGroupBuilder live)
    {
        live.MapGet("manifest.mpd", MpdAsync);
        live.MapGet("cmaf/{sessionId}/{rendition}/init.mp4", InitAsync);
        live.MapGet("cmaf/{sessionId}/{rendition}/{index:int}.m4s", SegmentAsync);
        live.MapPost("license", LicenseAsync);
        return live;
    }

    /// <summary>The URLs a live playback answer adds: the MPD and the license server.</summary>
    public static (string DashUrl, string LicenseUrl) Urls(string baseUrl, string liveStreamId, string token)
    {
        var root = $"{baseUrl.TrimEnd('/')}{LivePlaybackUrls.Prefix}/{Uri.EscapeDataString(liveStreamId)}";
        return ($"{root}/manifest.mpd{LivePlaybackUrls.Query(token)}", $"{root}/license{LivePlaybackUrls.Query(token)}");
    }

    private static async Task<IResult> MpdAsync(string liveStreamId, string? token, HttpContext context, IGrainFactory grains, TimeProvider time)
    {
        PlaybackAccess.NoStore(context);
        if (await grains.GetGrain<ILiveStreamGrain>(liveStreamId).GetDashAsync() is not { } dash
            || !dash.Tracks.Any(track => !track.Rendition.IsAudio && DashLive.NumberedTail(Segments(track)).Count > 0))
        {
            return Problems.NotFound(
                $"Live stream '{liveStreamId}' has nothing to play over DASH yet: no session has published a segment (or it makes no CMAF, with Streamio:Live:Dash off): play its HLS URL.");
        }
        var query = LivePlaybackUrls.Query(token!);
        var tracks = dash.Tracks.Where(track => DashLive.NumberedTail(Segments(track)).Count > 0).Select(track => new DashLiveTrack(
            track.Rendition.Name, track.Rendition.IsAudio, track.Rendition.Width, track.Rendition.Height, track.Rendition.BitrateKbps, track.Timescale, track.KeyId,
            track.FirstStart, Segments(track))).ToList();
        var session = new DashLiveSession(dash.StartedAt, dash.EndedAt, dash.DvrWindowSeconds, dash.SegmentSeconds, dash.FrameRate ?? 0, time.GetUtcNow());
        var manifest = DashLive.Manifest(tracks, session, Urls(PlaybackUrls.BaseOf(context.Request), liveStreamId, token!).LicenseUrl,
            rendition => $"cmaf/{dash.SessionId}/{rendition}/init.mp4{query}", rendition => $"cmaf/{dash.SessionId}/{rendition}/$Number$.m4s{query}");
        return Results.Text(DashMpd.Render(manifest), CmafEndpoints.MpdType);
    }

    private static DashLiveSegment[] Segments(LiveDashTrack track) =>
        [.. track.Segments.Select(segment => new DashLiveSegment(segment.Index, segment.StartTime, segment.DurationSeconds, segment.Discontinuity))];

    private static Task<IResult> InitAsync(
        string liveStreamId, string sessionId, string rendition, HttpContext context, IGrainFactory grains, IObjectStorage storage, IOptions<PlaybackOptions> options,
        CancellationToken cancellationToken) =>
        StoredAsync(liveStreamId, sessionId, rendition, prefix => StorageKeys.LiveCmafInit(prefix, rendition),
            $"'{liveStreamId}/{sessionId}/{rendition}' has no CMAF init segment.", context, grains, storage, options, cancellationToken);

    private static Task<IResult> SegmentAsync(
        string liveStreamId, string sessionId, string rendition, int index, HttpContext context, IGrainFactory grains, IObjectStorage storage,
        IOptions<PlaybackOptions> options, CancellationToken cancellationToken) =>
        StoredAsync(liveStreamId, sessionId, rendition, prefix => StorageKeys.LiveCmafSegment(prefix, rendition, Math.Max(0, index)),
            $"CMAF segment {index} of '{liveStreamId}/{sessionId}/{rendition}' does not exist (it is not published yet or left the DVR window).",
            context, grains, storage, options, cancellationToken, valid: index >= 0);

    /// <summary>A stored object of the stream's current (or last) session: the stream says where its CMAF folder is.</summary>
    private static async Task<IResult> StoredAsync(
        string liveStreamId, string sessionId, string rendition, Func<string, string> key, string missing, HttpContext context, IGrainFactory grains,
        IObjectStorage storage, IOptions<PlaybackOptions> options, CancellationToken cancellationToken, bool valid = true)
    {
        if (!valid || await grains.GetGrain<ILiveStreamGrain>(liveStreamId).GetDashAsync() is not { } dash || dash.SessionId != sessionId
            || !dash.Tracks.Any(track => track.Rendition.Name == rendition))
        {
            PlaybackAccess.NoStore(context);
            return Problems.NotFound(missing);
        }
        return await PlaybackEndpoints.ServeSegmentAsync(context, key(dash.CmafPrefix), "video/mp4", missing, storage, options.Value, cancellationToken);
    }

    /// <summary>
    /// The session's keys for a license request that names any of its KIDs (players ask with the adaptation set's KID,
    /// yet each rung has its own key, and the live token opens all of them anyway); other KIDs get nothing.
    /// </summary>
    private static async Task<IResult> LicenseAsync(string liveStreamId, HttpContext context, IGrainFactory grains, CancellationToken cancellationToken)
    {
        PlaybackAccess.NoStore(context);
        var (request, refused) = await CmafEndpoints.ReadLicenseRequestAsync(context.Request, cancellationToken);
        if (request is null)
        {
            return refused!;
        }
        var stream = grains.GetGrain<ILiveStreamGrain>(liveStreamId);
        var keys = new List<CencKey>();
        if (await stream.GetDashAsync() is { } dash && request.KeyIds.Any(kid => dash.Tracks.Any(track => track.KeyId.AsSpan().SequenceEqual(kid))))
        {
            foreach (var track in dash.Tracks)
            {
                if (await stream.GetCencKeyAsync(dash.SessionId, track.Rendition.Name) is { } cenc)
                {
                    keys.Add(new CencKey(cenc.KeyId, cenc.Key));
                }
            }
        }
        return Results.Text(ClearKeyLicense.Render(keys), "application/json");
    }
}
