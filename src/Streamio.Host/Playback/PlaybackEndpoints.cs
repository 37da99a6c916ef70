using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Streamio.Abstractions.Videos;
using Streamio.Storage;
using Streamio.Host.Http;
using Streamio.Host.Videos;

namespace Streamio.Host.Playback;

/// <summary>
/// The tokenized HLS surface. Playlists are rendered per request from grain state, every URI in them carries the token,
/// manifests and keys are never cached, segments (encrypted, immutable) are.
/// </summary>
public static class PlaybackEndpoints
{
    private const string PlaylistType = "application/vnd.apple.mpegurl";

    public static IEndpointRouteBuilder MapPlaybackEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/play/{videoId}/master.m3u8", MasterAsync);
        app.MapGet("/play/{videoId}/{rendition}.m3u8", MediaPlaylistAsync);
        app.MapGet("/play/{videoId}/{rendition}/{index:int}.ts", SegmentAsync);
        app.MapGet("/keys/{videoId}/{rendition}", KeyAsync);
        return app;
    }

    private static async Task<IResult> MasterAsync(string videoId, string? token, HttpContext context, PlaybackTokens tokens, VideoCatalog catalog)
    {
        NoStore(context);
        if (Refuse(tokens, token, videoId) is { } refused)
        {
            return refused;
        }
        if (await catalog.GetAsync(videoId) is not { Renditions.Count: > 0 } video)
        {
            return Problems.NotFound($"Video '{videoId}' has nothing to play yet: wait until it is playable.");
        }
        return Results.Text(PlaylistRendering.Master(video, token!), PlaylistType);
    }

    private static async Task<IResult> MediaPlaylistAsync(
        string videoId, string rendition, string? token, HttpContext context, PlaybackTokens tokens, VideoCatalog catalog, IGrainFactory grains)
    {
        NoStore(context);
        if (Refuse(tokens, token, videoId) is { } refused)
        {
            return refused;
        }
        if (await catalog.GetAsync(videoId) is not { } video || video.Rendition(rendition) is null
            || await grains.GetGrain<IVariantGrain>(VariantKeys.Of(videoId, rendition)).GetAsync() is not { } variant)
        {
            return Problems.NotFound($"Video '{videoId}' has no rendition '{rendition}'.");
        }
        return Results.Text(PlaylistRendering.Media(video, variant, token!), PlaylistType);
    }

    private static async Task<IResult> SegmentAsync(
        string videoId, string rendition, int index, string? token, HttpContext context, PlaybackTokens tokens, VideoCatalog catalog, IObjectStorage storage,
        IOptions<PlaybackOptions> options, CancellationToken cancellationToken)
    {
        if (Refuse(tokens, token, videoId) is { } refused)
        {
            NoStore(context);
            return refused;
        }
        // The token names the video; the video's state says which project's prefix its segments live under.
        if (index < 0 || await catalog.GetAsync(videoId) is not { } video)
        {
            NoStore(context);
            return Problems.NotFound($"Segment {index} of '{videoId}/{rendition}' does not exist (yet).");
        }
        var key = StorageKeys.Segment(video.ProjectId, videoId, rendition, index);
        if (options.Value.RedirectsSegments && storage is IPresignedUrls presigned)
        {
            // The bytes come straight from S3; the redirect itself expires, so it is never cached.
            NoStore(context);
            return Results.Redirect(presigned.PresignGet(key, TimeSpan.FromSeconds(options.Value.SegmentUrlTtlSeconds)).AbsoluteUri);
        }
        if (await storage.OpenReadAsync(key, cancellationToken) is not { } segment)
        {
            NoStore(context);
            return Problems.NotFound($"Segment {index} of '{videoId}/{rendition}' does not exist (yet).");
        }
        // Encrypted and never rewritten: safe for any cache.
        context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return Results.Stream(segment, "video/mp2t");
    }

    private static async Task<IResult> KeyAsync(
        string videoId, string rendition, string? token, HttpContext context, PlaybackTokens tokens, IGrainFactory grains)
    {
        NoStore(context);
        if (Refuse(tokens, token, videoId) is { } refused)
        {
            return refused;
        }
        if (await grains.GetGrain<IVariantGrain>(VariantKeys.Of(videoId, rendition)).GetKeyAsync() is not { } key)
        {
            return Problems.NotFound($"Video '{videoId}' has no rendition '{rendition}'.");
        }
        return Results.Bytes(key, "application/octet-stream");
    }

    private static IResult? Refuse(PlaybackTokens tokens, string? token, string videoId) => tokens.Check(token, videoId) switch
    {
        TokenCheck.Valid => null,
        TokenCheck.Expired => Problems.Forbidden("The playback token has expired: ask for a new URL with POST /v1/videos/{id}/playback."),
        TokenCheck.OtherVideo => Problems.Forbidden("The playback token is for another video."),
        _ => Problems.Forbidden("The playback token is missing or invalid: play the URL returned by POST /v1/videos/{id}/playback unchanged."),
    };

    private static void NoStore(HttpContext context) => context.Response.Headers[HeaderNames.CacheControl] = "no-store";
}
