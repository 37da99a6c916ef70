using Streamio.Abstractions.Videos;
using Microsoft.Extensions.Options;
using Streamio.Abstractions.Watermarks;
using Streamio.Grains.Watermarks;
using Streamio.Host.Http;
using Streamio.Media;
using Streamio.Storage;

namespace Streamio.Host.Playback;

/// <summary>
/// The routes of a watermark session's stream, under <c>/watermarked/{videoId}/{sessionId}/</c>: a master playlist with
/// the watermarked video and the video's own audio rendition, the video's EVENT playlist growing as segments are made
/// (VOD once the session is complete), its segments and the session's key. <see cref="PlaybackAccess"/> lets only that
/// session's token in, with the same 403 rules as the plain stream.
/// </summary>
public static class WatermarkPlaybackEndpoints
{
    private const string PlaylistType = "application/vnd.apple.mpegurl";

    public static string Root(string videoId, string sessionId) => $"/watermarked/{Uri.EscapeDataString(videoId)}/{sessionId}";

    public static IEndpointRouteBuilder MapWatermarkPlaybackEndpoints(this IEndpointRouteBuilder app)
    {
        var session = app.MapPlaybackGroup("/watermarked/{videoId}/{sessionId}");
        session.MapGet("master.m3u8", MasterAsync).ExcludeFromDescription();
        session.MapGet("video.m3u8", VideoPlaylistAsync).ExcludeFromDescription();
        session.MapGet("video/{index:int}.ts", VideoSegmentAsync).ExcludeFromDescription();
        session.MapGet("video.key", VideoKeyAsync).ExcludeFromDescription();
        session.MapGet("audio.m3u8", AudioPlaylistAsync).ExcludeFromDescription();
        session.MapGet("audio/{index:int}.ts", AudioSegmentAsync).ExcludeFromDescription();
        session.MapGet("audio.key", AudioKeyAsync).ExcludeFromDescription();
        app.MapMethods("/watermarked/{videoId}/{sessionId}/{**rest}", ["OPTIONS"], PlaybackAccess.Preflight).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> MasterAsync(string videoId, string sessionId, string? token, HttpContext context, IGrainFactory grains)
    {
        PlaybackAccess.NoStore(context);
        if (await SessionAsync(grains, videoId, sessionId) is not { } session)
        {
            return Gone(videoId);
        }
        if (session.Status == WatermarkSessionStatus.Failed)
        {
            return Failed(videoId, session);
        }
        if (session.Rendition is not { } rendition)
        {
            return Problems.NotFound("The watermarked stream is starting (the video is not planned yet): try again in a second.");
        }
        var query = Query(token!);
        var audio = rendition.AudioRendition is null ? null : new MasterAudioEntry($"audio.m3u8{query}", rendition.AudioKbps);
        var video = new MasterVideoEntry($"video.m3u8{query}", rendition.Width, rendition.Height, rendition.BitrateKbps, rendition.FrameRate);
        return Results.Text(HlsPlaylists.Master([video], audio), PlaylistType);
    }

    /// <summary>The segments made so far: an empty EVENT playlist while the session starts, so a player can wait on it.</summary>
    private static async Task<IResult> VideoPlaylistAsync(
        string videoId, string sessionId, string? token, HttpContext context, IGrainFactory grains, IOptions<WatermarkOptions> options)
    {
        PlaybackAccess.NoStore(context);
        if (await SessionAsync(grains, videoId, sessionId) is not { } session)
        {
            return Gone(videoId);
        }
        if (session.Status == WatermarkSessionStatus.Failed)
        {
            return Failed(videoId, session);
        }
        var query = Query(token!);
        return Results.Text(HlsPlaylists.Media(session.SegmentDurations, session.Rendition?.SegmentSeconds ?? options.Value.SegmentSeconds, session.Complete,
            $"{Root(videoId, sessionId)}/video.key{query}", index => $"video/{index}.ts{query}"), PlaylistType);
    }

    private static Task<IResult> VideoSegmentAsync(
        string videoId, string sessionId, int index, HttpContext context, IGrainFactory grains, IObjectStorage storage, CancellationToken cancellationToken) =>
        SegmentAsync(context, storage, videoId, index, async () => await SessionAsync(grains, videoId, sessionId) is { } session
            ? StorageKeys.WatermarkSegment(session.ProjectId, videoId, sessionId, session.Generation, index)
            : null, cancellationToken);

    private static async Task<IResult> VideoKeyAsync(string videoId, string sessionId, HttpContext context, IGrainFactory grains)
    {
        PlaybackAccess.NoStore(context);
        return await grains.GetGrain<IWatermarkSessionGrain>(WatermarkSessionKeys.Of(videoId, sessionId)).GetKeyAsync() is { } key
            ? Results.Bytes(key, "application/octet-stream")
            : Gone(videoId);
    }

    private static async Task<IResult> AudioPlaylistAsync(string videoId, string sessionId, string? token, HttpContext context, IGrainFactory grains)
    {
        PlaybackAccess.NoStore(context);
        if (await AudioAsync(grains, videoId, sessionId) is not { } audio)
        {
            return Gone(videoId);
        }
        var query = Query(token!);
        var (variant, segmentSeconds) = audio;
        var complete = variant.Complete && variant.ContiguousDurations.Count >= variant.SegmentCount;
        return Results.Text(HlsPlaylists.Media(variant.ContiguousDurations, segmentSeconds, complete,
            $"{Root(videoId, sessionId)}/audio.key{query}", index => $"audio/{index}.ts{query}"), PlaylistType);
    }

    private static Task<IResult> AudioSegmentAsync(
        string videoId, string sessionId, int index, HttpContext context, IGrainFactory grains, IObjectStorage storage, CancellationToken cancellationToken) =>
        SegmentAsync(context, storage, videoId, index, async () => await AudioAsync(grains, videoId, sessionId) is { } audio
            ? StorageKeys.Segment(audio.Variant.ProjectId, videoId, audio.Variant.Name, index)
            : null, cancellationToken);

    private static async Task<IResult> AudioKeyAsync(string videoId, string sessionId, HttpContext context, IGrainFactory grains)
    {
        PlaybackAccess.NoStore(context);
        if (await SessionAsync(grains, videoId, sessionId) is not { Rendition.AudioRendition: { } name })
        {
            return Gone(videoId);
        }
        return await grains.GetGrain<IVariantGrain>(VariantKeys.Of(videoId, name)).GetKeyAsync() is { } key
            ? Results.Bytes(key, "application/octet-stream")
            : Gone(videoId);
    }

    /// <summary>The video's own audio rendition, reached only through a live session (the audio carries no watermark).</summary>
    private static async Task<(VariantView Variant, double SegmentSeconds)?> AudioAsync(IGrainFactory grains, string videoId, string sessionId)
    {
        if (await SessionAsync(grains, videoId, sessionId) is not { Rendition.AudioRendition: { } name }
            || await grains.GetGrain<IVideoGrain>(videoId).GetAsync() is not { } video
            || await grains.GetGrain<IVariantGrain>(VariantKeys.Of(videoId, name)).GetAsync() is not { } variant)
        {
            return null;
        }
        return (variant, video.SegmentSeconds);
    }

    /// <summary>A stored segment; <paramref name="locate"/> gives its key, or null when the session has ended.</summary>
    private static async Task<IResult> SegmentAsync(
        HttpContext context, IObjectStorage storage, string videoId, int index, Func<Task<string?>> locate, CancellationToken cancellationToken)
    {
        if (index < 0 || await locate() is not { } key)
        {
            PlaybackAccess.NoStore(context);
            return Gone(videoId);
        }
        if (await storage.OpenReadAsync(key, cancellationToken) is not { } segment)
        {
            PlaybackAccess.NoStore(context);
            return Problems.NotFound("That segment does not exist (yet).");
        }
        // Encrypted with the session's key and never rewritten; private: the URL is one viewer's.
        context.Response.Headers.CacheControl = "private, max-age=3600, immutable";
        return Results.Stream(segment, "video/mp2t");
    }

    private static Task<WatermarkSessionView?> SessionAsync(IGrainFactory grains, string videoId, string sessionId) =>
        grains.GetGrain<IWatermarkSessionGrain>(WatermarkSessionKeys.Of(videoId, sessionId)).GetAsync();

    private static IResult Failed(string videoId, WatermarkSessionView session) =>
        Problems.Conflict($"This watermarked stream failed: {session.Error} Ask for a new URL with POST /v1/videos/{videoId}/playback.");

    private static IResult Gone(string videoId) =>
        Problems.NotFound($"This watermarked stream has ended (its session expired) or never existed: ask for a new URL with POST /v1/videos/{videoId}/playback.");

    private static string Query(string token) => $"?token={Uri.EscapeDataString(token)}";
}
