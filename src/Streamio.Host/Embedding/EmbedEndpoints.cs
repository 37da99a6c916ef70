using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.Net.Http.Headers;
using Streamio.Abstractions.Projects;
using Streamio.Abstractions.Videos;
using Streamio.Abstractions.Wire;
using Streamio.Host.Http;
using Streamio.Host.Playback;
using Streamio.Host.Videos;
using Streamio.Host.Web;

namespace Streamio.Host.Embedding;

/// <summary>
/// Embedding: the player page made for iframes (<c>/embed/{id}?token=…</c>), the data its player (and the
/// <c>&lt;streamio-player&gt;</c> element) reads with the token alone, and oEmbed for CMSs that expand links.
/// </summary>
public static class EmbedEndpoints
{
    public static IEndpointRouteBuilder MapEmbedEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPlaybackGroup("/play/{videoId}").MapGet("player.json", PlayerDataAsync)
            .WithSummary("What a player needs, with URLs signed by the same token").Produces<PlayerData>();
        app.MapGet("/embed/{videoId}", EmbedPageAsync).WithTags("Embedding").WithSummary("The embeddable player page (?token=, autoplay, muted, loop, start)")
            .Produces(StatusCodes.Status200OK, contentType: "text/html").ProducesProblem(StatusCodes.Status400BadRequest);
        app.MapGet("/oembed", OEmbedAsync).WithTags("Embedding").WithSummary("oEmbed 1.0 for an embed URL (?url=, maxwidth, maxheight)")
            .Produces<OEmbedResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> PlayerDataAsync(string videoId, string? token, HttpContext context, VideoCatalog catalog, IGrainFactory grains)
    {
        PlaybackAccess.NoStore(context);
        if (await catalog.GetAsync(videoId) is not { } video)
        {
            return Problems.NotFound($"There is no video '{videoId}'.");
        }
        var urls = PlaybackUrls.For(PlaybackUrls.BaseOf(context.Request), videoId, token!);
        var response = VideoResponse.From(video);
        var downloads = video.Status == VideoStatus.Ready && (await grains.GetGrain<IProjectGrain>(video.ProjectId).GetAsync())?.Mp4Downloads == true;
        var cmaf = await CmafPlayback.LoadAsync(video, token, grains) is null ? default : CmafEndpoints.Urls(PlaybackUrls.BaseOf(context.Request), videoId, token!);
        return Results.Ok(new PlayerData(video.Id, video.Title, response.Status, video.Playable, response.DurationSeconds, response.Width, response.Height,
            video.Error, urls.Url, urls.ThumbnailUrl, video.Storyboard is null ? null : urls.StoryboardUrl, urls.EmbedUrl, downloads ? urls.DownloadUrl : null)
        {
            DashUrl = cmaf.DashUrl, CmafHlsUrl = cmaf.CmafHlsUrl, LicenseUrl = cmaf.LicenseUrl,
        });
    }

    private static async Task<IResult> EmbedPageAsync(
        string videoId, string? token, string? autoplay, string? muted, string? loop, string? start, HttpContext context,
        PlaybackTokens tokens, PlaybackOrigins origins, VideoCatalog catalog, WebRoot root)
    {
        PlaybackAccess.NoStore(context);
        if (EmbedOptions.Problem(autoplay, muted, loop, start) is { } bad)
        {
            return Problems.BadRequest(bad);
        }
        if (root.Path is not { } folder)
        {
            return Problems.NotFound("The web app's files are missing, so there is no player to embed: set Streamio:Web:RootPath.");
        }
        var check = tokens.Check(token, videoId);
        var video = check == TokenCheck.Valid ? await catalog.GetAsync(videoId) : null;
        // Framing: the project's allowed origins when set, anyone otherwise (the token is the authority).
        var allowed = video is null ? [] : await origins.AllowedAsync(video.ProjectId);
        context.Response.Headers[HeaderNames.ContentSecurityPolicy] =
            $"frame-ancestors {(allowed.Count == 0 ? "*" : "'self' " + string.Join(' ', allowed))}";
        if (check != TokenCheck.Valid || video is null)
        {
            // A page, not JSON: it is what the viewer sees inside the frame.
            var reason = check switch
            {
                TokenCheck.Expired => "This video link has expired. Reload the page that shows it.",
                TokenCheck.Valid => "This video does not exist (any more).",
                _ => "This video link is not valid.",
            };
            return Results.Content(ErrorPage(reason), "text/html; charset=utf-8", statusCode: check == TokenCheck.Valid ? 404 : 403);
        }
        // oEmbed discovery: CMSs that fetch the page find how to expand it.
        var page = await File.ReadAllTextAsync(System.IO.Path.Combine(folder, "embed.html"), context.RequestAborted);
        var self = $"{PlaybackUrls.BaseOf(context.Request)}{context.Request.Path}{context.Request.QueryString}";
        var discovery = $"<link rel=\"alternate\" type=\"application/json+oembed\" href=\"{HtmlEncoder.Default.Encode(
            $"{PlaybackUrls.BaseOf(context.Request)}/oembed?url={Uri.EscapeDataString(self)}")}\" title=\"{HtmlEncoder.Default.Encode(video.Title ?? video.Id)}\">";
        return Results.Content(page.Replace("</head>", $"  {discovery}\n</head>", StringComparison.Ordinal), "text/html; charset=utf-8");
    }

    private static async Task<IResult> OEmbedAsync(
        string? url, string? maxwidth, string? maxheight, string? format, HttpContext context, PlaybackTokens tokens, VideoCatalog catalog)
    {
        if (format is not (null or "json"))
        {
            return Results.Problem(statusCode: StatusCodes.Status501NotImplemented, title: "Not implemented", detail: "Only format=json is supported.");
        }
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url, UriKind.Absolute, out var target) || target.Scheme is not ("http" or "https"))
        {
            return Problems.BadRequest("url is required: pass an embedUrl from POST /v1/videos/{id}/playback, such as ?url=https://streamio.example.com/embed/v_…?token=….");
        }
        if (ParseLimit(maxwidth, "maxwidth") is { Problem: { } widthProblem })
        {
            return Problems.BadRequest(widthProblem);
        }
        if (ParseLimit(maxheight, "maxheight") is { Problem: { } heightProblem })
        {
            return Problems.BadRequest(heightProblem);
        }
        var segments = target.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is not ["embed", var videoId] || !string.Equals(target.Authority, context.Request.Host.Value, StringComparison.OrdinalIgnoreCase))
        {
            return Problems.NotFound($"'{url}' is not an embed URL of this Streamio: pass the embedUrl that POST /v1/videos/{{id}}/playback returned.");
        }
        videoId = Uri.UnescapeDataString(videoId);
        var token = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(target.Query).TryGetValue("token", out var values) ? values.ToString() : null;
        switch (tokens.Check(token, videoId))
        {
            case TokenCheck.Valid:
                break;
            case TokenCheck.Expired:
                return Problems.Forbidden("The embed URL's token has expired: ask for a new one with POST /v1/videos/{id}/playback.");
            default:
                return Problems.Forbidden("The embed URL's token is missing, invalid or for another video: pass the embedUrl unchanged.");
        }
        if (await catalog.GetAsync(videoId) is not { } video)
        {
            return Problems.NotFound($"There is no video '{videoId}'.");
        }
        var (width, height) = FrameSize(video, ParseLimit(maxwidth, "maxwidth").Value, ParseLimit(maxheight, "maxheight").Value);
        var urls = PlaybackUrls.For(PlaybackUrls.BaseOf(context.Request), videoId, token!);
        var src = HtmlEncoder.Default.Encode(target.AbsoluteUri);
        var title = HtmlEncoder.Default.Encode(video.Title ?? video.Id);
        var html = $"<iframe src=\"{src}\" width=\"{width}\" height=\"{height}\" title=\"{title}\" frameborder=\"0\" allow=\"autoplay; fullscreen; picture-in-picture\" allowfullscreen></iframe>";
        return Results.Ok(new OEmbedResponse("1.0", "video", "Streamio", PlaybackUrls.BaseOf(context.Request), video.Title ?? video.Id, width, height, html,
            video.HasPoster ? $"{urls.ThumbnailUrl}&width={width}" : null, video.HasPoster ? width : null, video.HasPoster ? height : null));
    }

    /// <summary>The video's own size, shrunk (never stretched) to fit the limits; 16:9 at 640 wide when it is not known yet.</summary>
    private static (int Width, int Height) FrameSize(VideoView video, int? maxWidth, int? maxHeight)
    {
        double width = video.Source?.Width is > 0 and var w ? w : 640;
        double height = video.Source?.Height is > 0 and var h ? h : 360;
        var scale = Math.Min(1, Math.Min(maxWidth is { } mw ? mw / width : 1, maxHeight is { } mh ? mh / height : 1));
        return ((int)Math.Round(width * scale), (int)Math.Round(height * scale));
    }

    private static (int? Value, string? Problem) ParseLimit(string? value, string name) =>
        value is null ? (null, null)
        : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed is >= 16 and <= 8192 ? (parsed, null)
        : (null, $"{name} must be a whole number of pixels from 16 to 8192.");

    private static string ErrorPage(string reason) =>
        $$"""
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Streamio</title>
        <style>html,body{margin:0;height:100%;background:#000;color:#ddd;font:16px system-ui,sans-serif}body{display:grid;place-items:center;text-align:center;padding:1rem}</style>
        </head><body><p id="embed-error">{{HtmlEncoder.Default.Encode(reason)}}</p></body></html>
        """;
}

/// <summary>The embed page's query options.</summary>
public static class EmbedOptions
{
    /// <summary>What is wrong with the options, or null.</summary>
    public static string? Problem(string? autoplay, string? muted, string? loop, string? start)
    {
        foreach (var (name, value) in new[] { ("autoplay", autoplay), ("muted", muted), ("loop", loop) })
        {
            if (value is not (null or "" or "1" or "0" or "true" or "false"))
            {
                return $"{name} must be 1, 0, true or false (or absent), not '{value}'.";
            }
        }
        if (start is not null && (!double.TryParse(start, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !double.IsFinite(seconds) || seconds < 0))
        {
            return $"start must be a number of seconds from the beginning, such as start=12.5, not '{start}'.";
        }
        return null;
    }
}

/// <summary>GET /play/{id}/player.json: a video as a player shows it, its URLs signed with the request's token.</summary>
public sealed record PlayerData(
    string Id, string? Title, string Status, bool Playable, double? DurationSeconds, int? Width, int? Height, string? Error,
    string Url, string ThumbnailUrl, string? StoryboardUrl, string EmbedUrl, string? DownloadUrl)
{
    /// <summary>The DASH MPD, the fMP4 HLS master and their ClearKey license server, as in the playback answer (else null).</summary>
    public string? DashUrl { get; init; }

    public string? CmafHlsUrl { get; init; }

    public string? LicenseUrl { get; init; }
}

/// <summary>An oEmbed 1.0 "video" answer (snake_case, as the specification spells it).</summary>
public sealed record OEmbedResponse(
    [property: System.Text.Json.Serialization.JsonPropertyName("version")] string Version,
    [property: System.Text.Json.Serialization.JsonPropertyName("type")] string Type,
    [property: System.Text.Json.Serialization.JsonPropertyName("provider_name")] string ProviderName,
    [property: System.Text.Json.Serialization.JsonPropertyName("provider_url")] string ProviderUrl,
    [property: System.Text.Json.Serialization.JsonPropertyName("title")] string Title,
    [property: System.Text.Json.Serialization.JsonPropertyName("width")] int Width,
    [property: System.Text.Json.Serialization.JsonPropertyName("height")] int Height,
    [property: System.Text.Json.Serialization.JsonPropertyName("html")] string Html,
    [property: System.Text.Json.Serialization.JsonPropertyName("thumbnail_url")] string? ThumbnailUrl,
    [property: System.Text.Json.Serialization.JsonPropertyName("thumbnail_width")] int? ThumbnailWidth,
    [property: System.Text.Json.Serialization.JsonPropertyName("thumbnail_height")] int? ThumbnailHeight);
