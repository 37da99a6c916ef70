using Microsoft.Extensions.Options;
using Streamio.Abstractions.Live;
using Streamio.Host.Http;
using Streamio.Host.LiveStreams;
using Streamio.Storage;

namespace Streamio.Host.Playback;

/// <summary>
/// A live stream's tokenized surface under <c>/live/{liveStreamId}/</c>: the master and media playlists (rendered per
/// request from the stream's grain, never cached), the sessions' keys, and segments (immutable: cached for ever).
/// <see cref="LivePlaybackAccess"/> checks the token (a live one, for this stream) and the page origin, and adds CORS.
/// </summary>
public static class LivePlaybackEndpoints
{
    private const string PlaylistType = "application/vnd.apple.mpegurl";

    public static IEndpointRouteBuilder MapLivePlaybackEndpoints(this IEndpointRouteBuilder app)
    {
        var live = app.MapGroup($"{LivePlaybackUrls.Prefix}/{{liveStreamId}}").AddEndpointFilter<LivePlaybackAccess>()
            .WithTags("Playback (signed URLs)").ExcludeFromDescription();
        live.MapGet("master.m3u8", MasterAsync);
        live.MapGet("{rendition}.m3u8", MediaPlaylistAsync);
        live.MapGet("{sessionId}/{rendition}.key", KeyAsync);
        live.MapGet("{sessionId}/{rendition}/{index:int}.ts", SegmentAsync);
        live.MapLiveDashEndpoints();
        app.MapMethods($"{LivePlaybackUrls.Prefix}/{{liveStreamId}}/{{**rest}}", ["OPTIONS"], PlaybackAccess.Preflight).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> MasterAsync(string liveStreamId, string? token, HttpContext context, LiveStreamCatalog catalog)
    {
        PlaybackAccess.NoStore(context);
        return await catalog.GetAsync(liveStreamId) is { Session: { Renditions.Count: > 0 } session }
            ? Results.Text(LivePlaylistRendering.Master(session, token!), PlaylistType)
            : NothingYet(liveStreamId);
    }

    private static async Task<IResult> MediaPlaylistAsync(string liveStreamId, string rendition, string? token, HttpContext context, IGrainFactory grains)
    {
        PlaybackAccess.NoStore(context);
        return await grains.GetGrain<ILiveStreamGrain>(liveStreamId).GetPlaylistAsync(rendition) is { } playlist
            ? Results.Text(LivePlaylistRendering.Media(playlist, token!), PlaylistType)
            : Problems.NotFound($"Live stream '{liveStreamId}' has no rendition '{rendition}' in its current session.");
    }

    private static async Task<IResult> KeyAsync(string liveStreamId, string sessionId, string rendition, HttpContext context, IGrainFactory grains)
    {
        PlaybackAccess.NoStore(context);
        return await grains.GetGrain<ILiveStreamGrain>(liveStreamId).GetKeyAsync(sessionId, rendition) is { } key
            ? Results.Bytes(key, "application/octet-stream")
            : Problems.NotFound($"Live stream '{liveStreamId}' has no key for '{sessionId}/{rendition}'.");
    }

    private static async Task<IResult> SegmentAsync(
        string liveStreamId, string sessionId, string rendition, int index, HttpContext context, IGrainFactory grains, IObjectStorage storage,
        IOptions<PlaybackOptions> options, CancellationToken cancellationToken)
    {
        PlaybackAccess.NoStore(context);
        // The stream says where its session's segments are (a recorded session writes into its video's folder).
        if (index < 0 || await grains.GetGrain<ILiveStreamGrain>(liveStreamId).GetPlaylistAsync(rendition) is not { } playlist
            || playlist.SessionId != sessionId || playlist.StoragePrefix.Length == 0)
        {
            return NoSegment(liveStreamId, sessionId, rendition, index);
        }
        var key = $"{playlist.StoragePrefix}{index}.ts";
        if (options.Value.RedirectsSegments && storage is IPresignedUrls presigned)
        {
            return Results.Redirect(presigned.PresignGet(key, TimeSpan.FromSeconds(options.Value.SegmentUrlTtlSeconds)).AbsoluteUri);
        }
        if (await storage.OpenReadAsync(key, cancellationToken) is not { } segment)
        {
            return NoSegment(liveStreamId, sessionId, rendition, index);
        }
        // The session is in the URL and a segment is never rewritten: safe for any cache.
        context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return Results.Stream(segment, "video/mp2t");
    }

    private static IResult NothingYet(string liveStreamId) =>
        Problems.NotFound($"Live stream '{liveStreamId}' has nothing to play: no session has started (publish to its RTMP or SRT URL first).");

    private static IResult NoSegment(string liveStreamId, string sessionId, string rendition, int index) =>
        Problems.NotFound($"Segment {index} of '{liveStreamId}/{sessionId}/{rendition}' does not exist (it is not published yet or left the DVR window).");
}
