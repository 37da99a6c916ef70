using Microsoft.Net.Http.Headers;
using Streamio.Host.Http;
using Streamio.Host.Videos;
using Streamio.Telemetry;

namespace Streamio.Host.Playback;

/// <summary>
/// Guards every tokenized path (playlists, keys, segments, images, player data): the token must be valid for the
/// route's video, and the page asking must be one of the video's project's allowed origins. Answers carry the CORS
/// headers players need, refusals included (so a page can read why), and are never cached.
/// </summary>
public sealed class PlaybackAccess(PlaybackTokens tokens, PlaybackOrigins origins, VideoCatalog catalog) : IEndpointFilter
{
    /// <summary>What players and pages read from cross-origin answers.</summary>
    public const string ExposedHeaders = "Content-Length, Content-Range, Content-Type, Accept-Ranges, Content-Disposition";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var videoId = http.GetRouteValue("videoId") as string ?? "";
        // Watermark session routes name their session: only that session's token opens them.
        var check = tokens.Check(http.Request.Query["token"], videoId, http.GetRouteValue("sessionId") as string);
        // Unknown videos fall through to the endpoint's own 404.
        return await GuardAsync(http, check, Refuse, async () => (await catalog.GetAsync(videoId))?.ProjectId) ?? await next(context);
    }

    /// <summary>
    /// The checks every tokenized route shares: counts the request, refuses a bad token (with <paramref name="refuse"/>'s
    /// words) or a page origin the owning project does not allow, and adds CORS. Null: go on to the endpoint.
    /// </summary>
    public async Task<IResult?> GuardAsync(HttpContext http, TokenCheck check, Func<TokenCheck, IResult?> refuse, Func<Task<string?>> projectOf)
    {
        var origin = PlaybackOrigins.RequestOrigin(http.Request);
        StreamioTelemetry.PlaybackRequests.Add(1, new KeyValuePair<string, object?>("resource", Resource(http.Request.Path)));
        if (refuse(check) is { } refused)
        {
            Denied(check switch { TokenCheck.Expired => "expired", TokenCheck.OtherVideo => "other_video", TokenCheck.OtherSession => "other_session", _ => "token" });
            AllowCors(http, origin is null ? "*" : origin);
            NoStore(http);
            return refused;
        }
        if (await projectOf() is { } projectId)
        {
            var allowed = await origins.AllowedAsync(projectId);
            if (!PlaybackOrigins.Allows(allowed, origin, PlaybackOrigins.OwnOrigin(http.Request)))
            {
                // No Access-Control-Allow-Origin: the refused page cannot even read the refusal.
                Denied("origin");
                NoStore(http);
                return Problems.Forbidden($"Pages on '{origin}' may not play this stream: the origin is not among its project's allowed playback origins.");
            }
            AllowCors(http, allowed.Count == 0 || origin is null ? "*" : origin);
        }
        else
        {
            AllowCors(http, origin is null ? "*" : origin);
        }
        return null;
    }

    /// <summary>The answer to a CORS preflight on a playback path; the GET that follows is the one that is checked.</summary>
    public static IResult Preflight(HttpContext http)
    {
        AllowCors(http, PlaybackOrigins.RequestOrigin(http.Request) is { } origin && origin != "null" ? origin : "*");
        // POST: the ClearKey license request (JSON, so browsers preflight it).
        http.Response.Headers[HeaderNames.AccessControlAllowMethods] = "GET, POST, OPTIONS";
        http.Response.Headers[HeaderNames.AccessControlAllowHeaders] = http.Request.Headers[HeaderNames.AccessControlRequestHeaders] is [{ Length: > 0 } asked]
            ? asked
            : "Range";
        http.Response.Headers[HeaderNames.AccessControlMaxAge] = "86400";
        return Results.NoContent();
    }

    /// <summary>What a playback path serves, for the request counter (a handful of values, never an id).</summary>
    public static string Resource(PathString path)
    {
        var value = path.Value ?? "";
        return value.StartsWith("/keys/", StringComparison.Ordinal) || value.EndsWith(".key", StringComparison.Ordinal) ? "key"
            : value.EndsWith("/license", StringComparison.Ordinal) ? "license"
            : value.EndsWith(".mpd", StringComparison.Ordinal) ? "manifest"
            : value.EndsWith(".m4s", StringComparison.Ordinal) || value.EndsWith("/init.mp4", StringComparison.Ordinal) ? "segment"
            : value.EndsWith("/master.m3u8", StringComparison.Ordinal) ? "master"
            : value.EndsWith(".m3u8", StringComparison.Ordinal) ? "playlist"
            : value.EndsWith(".ts", StringComparison.Ordinal) ? "segment"
            : value.EndsWith(".jpg", StringComparison.Ordinal) ? "image"
            : value.EndsWith(".vtt", StringComparison.Ordinal) ? "storyboard"
            : value.EndsWith(".mp4", StringComparison.Ordinal) ? "download"
            : "other";
    }

    private static void Denied(string reason) =>
        StreamioTelemetry.PlaybackDenied.Add(1, new KeyValuePair<string, object?>("reason", reason));

    private static void AllowCors(HttpContext http, string origin)
    {
        var headers = http.Response.Headers;
        headers[HeaderNames.AccessControlAllowOrigin] = origin;
        headers[HeaderNames.AccessControlExposeHeaders] = ExposedHeaders;
        if (origin != "*")
        {
            headers.Append(HeaderNames.Vary, HeaderNames.Origin);
        }
    }

    private static IResult? Refuse(TokenCheck check) => check switch
    {
        TokenCheck.Valid => null,
        TokenCheck.Expired => Problems.Forbidden("The playback token has expired: ask for a new URL with POST /v1/videos/{id}/playback."),
        TokenCheck.OtherVideo => Problems.Forbidden("The playback token is for another video."),
        TokenCheck.OtherSession => Problems.Forbidden("The playback token is for another stream of this video (another viewer's watermarked session, or the plain stream): play the URL it came with."),
        _ => Problems.Forbidden("The playback token is missing or invalid: play the URL returned by POST /v1/videos/{id}/playback unchanged."),
    };

    public static void NoStore(HttpContext context) => context.Response.Headers[HeaderNames.CacheControl] = "no-store";
}
