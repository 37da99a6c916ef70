using System.Globalization;
using Microsoft.Extensions.Options;
using Streamio.Abstractions.Projects;
using Streamio.Abstractions.Videos;
using Streamio.Abstractions.Wire;
using Streamio.Grains.Videos;
using Streamio.Storage;
using Streamio.Host.Http;
using Streamio.Host.Videos;

namespace Streamio.Host.Playback;

/// <summary>
/// The tokenized surface: HLS (playlists rendered per request from grain state, every URI in them carrying the token),
/// and the images beside it (any frame, the storyboard). <see cref="PlaybackAccess"/> checks the token and the origin and
/// adds CORS. Manifests, keys and refusals are never cached; segments (encrypted, immutable) are.
/// </summary>
public static class PlaybackEndpoints
{
    private const string PlaylistType = "application/vnd.apple.mpegurl";
    private const int MaxFrameWidth = 3840;

    public static IServiceCollection AddStreamioPlayback(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PlaybackOptions>(configuration.GetSection("Streamio:Playback"));
        services.AddSingleton<PlaybackTokens>();
        services.AddSingleton<PlaybackOrigins>();
        services.AddSingleton<PlaybackAccess>();
        services.AddSingleton<LivePlaybackAccess>();
        services.AddSingleton<FrameGrabber>();
        services.AddSingleton<Mp4Downloads>();
        services.AddSingleton<WatermarkSessions>();
        return services;
    }

    /// <summary>The group every tokenized route lives in (the embed side adds its player data here too).</summary>
    public static RouteGroupBuilder MapPlaybackGroup(this IEndpointRouteBuilder app, string prefix) =>
        app.MapGroup(prefix).AddEndpointFilter<PlaybackAccess>().WithTags("Playback (signed URLs)");

    public static IEndpointRouteBuilder MapPlaybackEndpoints(this IEndpointRouteBuilder app)
    {
        var play = app.MapPlaybackGroup("/play/{videoId}");
        play.MapGet("master.m3u8", MasterAsync).ExcludeFromDescription();
        play.MapGet("{rendition}.m3u8", MediaPlaylistAsync).ExcludeFromDescription();
        play.MapGet("{rendition}/{index:int}.ts", SegmentAsync).ExcludeFromDescription();
        play.MapGet("thumbnail.jpg", ThumbnailAsync).WithSummary("The poster, or the frame at ?time= seconds, ?width= pixels wide");
        play.MapGet("storyboard.vtt", StoryboardVttAsync).WithSummary("The storyboard WebVTT; its tile URLs are signed too");
        play.MapGet("storyboard.jpg", StoryboardSpriteAsync).WithSummary("The storyboard sprite");
        play.MapGet("download.mp4", DownloadAsync).WithSummary("The MP4 of the top rendition, when the project allows downloads");
        play.MapCmafEndpoints();
        app.MapPlaybackGroup("/keys/{videoId}").MapGet("{rendition}", KeyAsync).ExcludeFromDescription();
        // Preflights carry no token to check (a browser sends them before its GET, which is checked).
        app.MapMethods("/play/{videoId}/{**rest}", ["OPTIONS"], PlaybackAccess.Preflight).ExcludeFromDescription();
        app.MapMethods("/keys/{videoId}/{**rest}", ["OPTIONS"], PlaybackAccess.Preflight).ExcludeFromDescription();
        app.MapWatermarkPlaybackEndpoints();
        app.MapLivePlaybackEndpoints();
        return app;
    }

    private static async Task<IResult> MasterAsync(string videoId, string? token, HttpContext context, VideoCatalog catalog)
    {
        PlaybackAccess.NoStore(context);
        if (await catalog.GetAsync(videoId) is not { Renditions.Count: > 0 } video)
        {
            return Problems.NotFound($"Video '{videoId}' has nothing to play yet: wait until it is playable.");
        }
        var forensicViewer = video.ForensicRung is not null && PlaybackTokens.ViewerOf(token) is not null;
        return Results.Text(PlaylistRendering.Master(video, token!, forensicViewer), PlaylistType);
    }

    private static async Task<IResult> MediaPlaylistAsync(string videoId, string rendition, string? token, HttpContext context, VideoCatalog catalog, IGrainFactory grains)
    {
        PlaybackAccess.NoStore(context);
        if (await catalog.GetAsync(videoId) is not { } video || video.Rendition(rendition) is null
            || await grains.GetGrain<IVariantGrain>(VariantKeys.Of(videoId, rendition)).GetAsync() is not { } variant)
        {
            return Problems.NotFound($"Video '{videoId}' has no rendition '{rendition}'.");
        }
        if (await ForensicStreams.ForViewerAsync(video, rendition, token, grains) is { } stream)
        {
            return Results.Text(await stream.RenderAsync(video, token!, grains), PlaylistType);
        }
        return Results.Text(PlaylistRendering.Media(video, variant, token!), PlaylistType);
    }

    private static async Task<IResult> SegmentAsync(
        string videoId, string rendition, int index, HttpContext context, VideoCatalog catalog, IObjectStorage storage, IGrainFactory grains,
        IOptions<PlaybackOptions> options, CancellationToken cancellationToken)
    {
        // The token names the video; the video's state says which project's prefix its segments live under.
        if (index < 0 || await catalog.GetAsync(videoId) is not { } video)
        {
            PlaybackAccess.NoStore(context);
            return Problems.NotFound($"Segment {index} of '{videoId}/{rendition}' does not exist (yet).");
        }
        if (await ForensicStreams.RefusalAsync(video, rendition, index, context.Request.Query["token"], grains) is { } refused)
        {
            PlaybackAccess.NoStore(context);
            return refused;
        }
        return await ServeSegmentAsync(context, StorageKeys.Segment(video.ProjectId, videoId, rendition, index), "video/mp2t",
            $"Segment {index} of '{videoId}/{rendition}' does not exist (yet).", storage, options.Value, cancellationToken);
    }

    /// <summary>An encrypted, immutable stored segment (TS or CMAF): streamed and cacheable, or redirected to S3.</summary>
    public static async Task<IResult> ServeSegmentAsync(
        HttpContext context, string key, string contentType, string missing, IObjectStorage storage, PlaybackOptions options, CancellationToken cancellationToken)
    {
        if (options.RedirectsSegments && storage is IPresignedUrls presigned)
        {
            // The bytes come straight from S3 (whose bucket needs its own CORS rule); the redirect expires, so it is never cached.
            PlaybackAccess.NoStore(context);
            return Results.Redirect(presigned.PresignGet(key, TimeSpan.FromSeconds(options.SegmentUrlTtlSeconds)).AbsoluteUri);
        }
        if (await storage.OpenReadAsync(key, cancellationToken) is not { } segment)
        {
            PlaybackAccess.NoStore(context);
            return Problems.NotFound(missing);
        }
        // Encrypted and never rewritten: safe for any cache.
        context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return Results.Stream(segment, contentType);
    }

    private static async Task<IResult> KeyAsync(string videoId, string rendition, HttpContext context, IGrainFactory grains)
    {
        PlaybackAccess.NoStore(context);
        if (await grains.GetGrain<IVariantGrain>(VariantKeys.Of(videoId, rendition)).GetKeyAsync() is not { } key)
        {
            return Problems.NotFound($"Video '{videoId}' has no rendition '{rendition}'.");
        }
        return Results.Bytes(key, "application/octet-stream");
    }

    /// <summary>No <c>time</c>: the poster (once made). A <c>time</c>: that frame, from the best rendition that has it.</summary>
    private static async Task<IResult> ThumbnailAsync(
        string videoId, string? time, string? width, HttpContext context, VideoCatalog catalog, IObjectStorage storage, FrameGrabber frames,
        CancellationToken cancellationToken)
    {
        if (await catalog.GetAsync(videoId) is not { } video)
        {
            return Problems.NotFound($"There is no video '{videoId}'.");
        }
        double? seconds = null;
        if (time is not null)
        {
            if (!double.TryParse(time, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) || !double.IsFinite(parsed) || parsed < 0)
            {
                return Problems.BadRequest("time must be a number of seconds from the start of the video, such as ?time=12.5.");
            }
            if (video.Source is { DurationSeconds: > 0 } source && parsed >= source.DurationSeconds)
            {
                return Problems.BadRequest($"time must be less than the video's duration ({source.DurationSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s).");
            }
            seconds = parsed;
        }
        int? pixels = null;
        if (width is not null)
        {
            if (!int.TryParse(width, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed is < 16 or > MaxFrameWidth)
            {
                return Problems.BadRequest($"width must be a whole number of pixels from 16 to {MaxFrameWidth}, such as ?width=640.");
            }
            pixels = parsed;
        }
        if (seconds is null && pixels is null && video.HasPoster)
        {
            return await StoredAsync(context, StorageKeys.Poster(video.ProjectId, videoId), "image/jpeg", video, storage, cancellationToken);
        }
        byte[]? jpeg;
        try
        {
            jpeg = seconds is null && video.HasPoster
                ? await frames.ScaleAsync(StorageKeys.Poster(video.ProjectId, videoId), pixels!.Value, cancellationToken)
                // Before the poster exists, the first frame stands in for it.
                : await frames.GrabAsync(video, seconds ?? 0, pixels, cancellationToken);
        }
        catch (FramesBusyException busy)
        {
            PlaybackAccess.NoStore(context);
            context.Response.Headers.RetryAfter = "2";
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Busy", detail: $"{busy.Message} Try again in a few seconds.");
        }
        if (jpeg is null)
        {
            PlaybackAccess.NoStore(context);
            return Problems.NotFound($"Video '{videoId}' has no frame at {seconds ?? 0:0.###} s yet: that part is still being encoded.");
        }
        Cacheable(context, video);
        return Results.Bytes(jpeg, "image/jpeg");
    }

    private static async Task<IResult> StoryboardVttAsync(string videoId, string? token, HttpContext context, VideoCatalog catalog)
    {
        if (await catalog.GetAsync(videoId) is not { Storyboard: { } storyboard, Source: { } source })
        {
            PlaybackAccess.NoStore(context);
            return Problems.NotFound($"Video '{videoId}' has no storyboard yet: it is made when encoding finishes.");
        }
        PlaybackAccess.NoStore(context);
        // Relative tile URIs resolve against this URL: each carries the token, so the sprite needs no key either.
        var vtt = StoryboardVtt.Render(storyboard, source.DurationSeconds, $"storyboard.jpg?token={Uri.EscapeDataString(token!)}");
        return Results.Text(vtt, "text/vtt; charset=utf-8");
    }

    private static async Task<IResult> StoryboardSpriteAsync(
        string videoId, HttpContext context, VideoCatalog catalog, IObjectStorage storage, CancellationToken cancellationToken) =>
        await catalog.GetAsync(videoId) is { Storyboard: not null } video
            ? await StoredAsync(context, StorageKeys.StoryboardSprite(video.ProjectId, videoId), "image/jpeg", video, storage, cancellationToken)
            : NoStoreNotFound(context, $"Video '{videoId}' has no storyboard yet: it is made when encoding finishes.");

    private static async Task<IResult> DownloadAsync(
        string videoId, HttpContext context, VideoCatalog catalog, IGrainFactory grains, Mp4Downloads downloads, CancellationToken cancellationToken)
    {
        PlaybackAccess.NoStore(context);
        if (await catalog.GetAsync(videoId) is not { } video)
        {
            return Problems.NotFound($"There is no video '{videoId}'.");
        }
        if (video.Status != VideoStatus.Ready)
        {
            return Problems.Conflict($"Video '{videoId}' is {VideoResponse.StatusName(video.Status)}: its MP4 is made once it is ready.");
        }
        if ((await grains.GetGrain<IProjectGrain>(video.ProjectId).GetAsync())?.Mp4Downloads != true)
        {
            return Problems.NotFound("This video's project does not offer MP4 downloads: an admin turns them on with PATCH /v1/projects/{id} {\"mp4Downloads\": true}.");
        }
        var mp4 = await downloads.OpenAsync(video, cancellationToken);
        // The token in the URL keeps it private; the bytes never change.
        context.Response.Headers.CacheControl = "private, max-age=86400";
        return Results.Stream(mp4, "video/mp4", Mp4Downloads.FileName(video), enableRangeProcessing: mp4.CanSeek);
    }

    private static async Task<IResult> StoredAsync(HttpContext context, string key, string contentType, VideoView video, IObjectStorage storage, CancellationToken cancellationToken)
    {
        if (await storage.OpenReadAsync(key, cancellationToken) is not { } content)
        {
            return NoStoreNotFound(context, $"Video '{video.Id}' has no such image (yet): images are made when encoding finishes.");
        }
        Cacheable(context, video);
        return Results.Stream(content, contentType);
    }

    /// <summary>Images of a finished video never change; while encoding, a better rendition may soon have the frame.</summary>
    private static void Cacheable(HttpContext context, VideoView video) =>
        context.Response.Headers.CacheControl = video.Status == VideoStatus.Ready ? "private, max-age=86400" : "private, max-age=10";

    private static IResult NoStoreNotFound(HttpContext context, string detail)
    {
        PlaybackAccess.NoStore(context);
        return Problems.NotFound(detail);
    }
}
