using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Streamio.Abstractions.Forensics;
using Streamio.Abstractions.Projects;
using Streamio.Abstractions.Videos;
using Streamio.Abstractions.Watermarks;
using Streamio.Abstractions.Wire;
using Streamio.Host.Auth;
using Streamio.Host.Playback;
using Streamio.Host.Uploads;
using Streamio.Host.Uploads.Progressive;
using Streamio.Storage;
using Streamio.Host.Configuration;
using Streamio.Host.Http;
using Streamio.Host.Videos;

namespace Streamio.Host.Api;

/// <summary>
/// The /v1/videos surface: upload, read, list, delete, playback URLs and images. Everything is scoped to the caller's
/// project: another project's video answers 404, exactly like a video that does not exist.
/// </summary>
public static class VideoEndpoints
{
    public static IEndpointRouteBuilder MapVideoEndpoints(this IEndpointRouteBuilder app)
    {
        var videos = app.MapGroup("/v1/videos").RequireProject().WithTags("Videos").ProducesCallerProblems();
        videos.MapPost("", UploadAsync).DisableAntiforgery().WithSummary("Upload a video (multipart/form-data: file, optional title, optional logo=false, optional forensic=true|false)")
            .DescribesBody<UploadForm>("multipart/form-data").Produces<VideoResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        videos.MapGet("", ListAsync).WithSummary("List the project's videos, newest first")
            .Produces<VideoPage>().ProducesProblem(StatusCodes.Status400BadRequest);
        videos.MapGet("{id}", GetAsync).WithSummary("Read a video").Produces<VideoResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        videos.MapDelete("{id}", DeleteAsync).WithSummary("Delete a video and every object of it")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        videos.MapPost("{id}/playback", CreatePlaybackAsync).WithSummary("Create a signed playback URL (with watermark: a stream with the text burned into every frame)")
            .DescribesBody<PlaybackRequest>().Produces<PlaybackResponse>().Produces<WatermarkedPlaybackResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        videos.MapGet("{id}/thumbnail.jpg", (string id, HttpContext context, IObjectStorage storage, VideoCatalog catalog, CancellationToken ct) =>
            ServeImageAsync(context, id, StorageKeys.Poster, "image/jpeg", storage, catalog, ct)).WithSummary("The poster image");
        videos.MapGet("{id}/storyboard.jpg", (string id, HttpContext context, IObjectStorage storage, VideoCatalog catalog, CancellationToken ct) =>
            ServeImageAsync(context, id, StorageKeys.StoryboardSprite, "image/jpeg", storage, catalog, ct)).WithSummary("The storyboard sprite");
        videos.MapGet("{id}/storyboard.vtt", (string id, HttpContext context, IObjectStorage storage, VideoCatalog catalog, CancellationToken ct) =>
            ServeImageAsync(context, id, StorageKeys.StoryboardVtt, "text/vtt; charset=utf-8", storage, catalog, ct)).WithSummary("The storyboard WebVTT");
        return app;
    }

    private static async Task<IResult> UploadAsync(
        HttpContext context, IObjectStorage storage, VideoIntake intake, ProgressiveIntake progressive, IOptions<StreamioOptions> options,
        CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxUploadBytes;
        // The body is streamed through our own counter; Kestrel's limit only stops bodies far past it (multipart overhead).
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = null;
        }
        if (context.Request.ContentLength > limit + 1024 * 1024)
        {
            return Problems.TooLarge(limit);
        }
        var projectId = context.GetProjectId();
        var videoId = VideoIntake.NewVideoId();
        var sourceKey = StorageKeys.Source(projectId, videoId);
        ReceivedUpload upload;
        bool? forensic;
        bool withLogo;
        HeadWatchingStream? watcher = null;
        UploadChoices? started = null;
        string? refusal = null;
        try
        {
            upload = await MultipartUpload.ReceiveAsync(context.Request, storage, sourceKey, limit, cancellationToken, (body, sofar) =>
                watcher = new HeadWatchingStream(body, progressive.MaxHeadBytes, async (_, token) =>
                {
                    // Only the fields sent before the file are known here; the end of the form is checked against them.
                    var choices = new UploadChoices(sofar.Title, sofar.WithLogo, await intake.ForensicAsync(projectId, sofar.Flag("forensic")));
                    if ((refusal = progressive.Refusal(choices)) is not null)
                    {
                        return null;
                    }
                    started = choices;
                    return await progressive.StartAsync(projectId, videoId, sourceKey, choices, token);
                }));
            forensic = upload.Flag("forensic");
            withLogo = upload.WithLogo;
        }
        catch (Exception error) when (error is UploadTooLargeException or BadUploadException or IOException or InvalidDataException or OperationCanceledException)
        {
            if (watcher?.Growing is not null)
            {
                await progressive.AbandonAsync(projectId, videoId, error.Message);
            }
            await storage.DeleteAsync(sourceKey, CancellationToken.None);
            return error switch
            {
                UploadTooLargeException => Problems.TooLarge(limit),
                BadUploadException bad => Problems.BadRequest(bad.Message),
                InvalidDataException invalid => Problems.BadRequest($"The multipart body is malformed: {invalid.Message}"),
                _ => Results.StatusCode(StatusCodes.Status499ClientClosedRequest),
            };
        }
        var forensicFinal = await intake.ForensicAsync(projectId, forensic);
        if (watcher?.Growing is { } uploaded)
        {
            if (started == new UploadChoices(started!.Title, withLogo, forensicFinal))
            {
                return await progressive.CompleteAsync(videoId, uploaded, upload.Bytes, upload.Title) is { } video
                    ? VideoIntake.Created(video)
                    : Problems.NotFound($"Video {videoId} was deleted while its upload arrived.");
            }
            // Fields after the file changed the encoding: today's path under a new id, from a copy of the stored source.
            var restartedId = VideoIntake.NewVideoId();
            var restartedKey = StorageKeys.Source(projectId, restartedId);
            await using (var stored = await storage.OpenReadAsync(sourceKey, cancellationToken) ?? throw new InvalidOperationException($"The source {sourceKey} vanished."))
            {
                await storage.PutAsync(restartedKey, stored, cancellationToken);
            }
            await progressive.AbandonAsync(projectId, videoId, "fields after the file changed its encoding");
            (videoId, refusal) = (restartedId, "fields that change the encoding (logo, forensic) came after the file part");
        }
        var info = (refusal ?? ProgressiveIntake.LayoutRefusal(watcher?.Layout)) is { } reason ? new ProgressiveInfo(false, reason) : null;
        return VideoIntake.Created(await intake.CreateAsync(projectId, videoId, upload.Title, StorageKeys.Source(projectId, videoId), upload.Bytes, cancellationToken,
            withLogo, forensicFinal, info));
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, VideoCatalog catalog) =>
        await catalog.GetInProjectAsync(context.GetProjectId(), id) is { } video
            ? Results.Ok(VideoResponse.From(video))
            : Problems.NotFound($"There is no video '{id}'.");

    private static async Task<IResult> ListAsync(HttpContext context, VideoCatalog catalog, int? limit, string? cursor)
    {
        if (limit is < 1 or > 100)
        {
            return Problems.BadRequest("limit must be between 1 and 100.");
        }
        VideoIndexCursor? after = null;
        if (!string.IsNullOrEmpty(cursor) && (after = DecodeCursor(cursor)) is null)
        {
            return Problems.BadRequest("cursor is not valid: pass the nextCursor of a previous page unchanged.");
        }
        var (items, next) = await catalog.ListAsync(context.GetProjectId(), after, limit ?? 20);
        return Results.Ok(new VideoPage(items.Select(VideoResponse.From).ToList(), next is null ? null : EncodeCursor(next)));
    }

    private static async Task<IResult> DeleteAsync(string id, HttpContext context, IGrainFactory grains, IObjectStorage storage, CancellationToken cancellationToken)
    {
        var projectId = context.GetProjectId();
        if (!await grains.GetGrain<IVideoGrain>(id).DeleteAsync(projectId))
        {
            return Problems.NotFound($"There is no video '{id}'.");
        }
        await VideoObjects.DeleteAllAsync(storage, projectId, id, cancellationToken);
        return Results.NoContent();
    }

    private static async Task<IResult> CreatePlaybackAsync(
        string id, HttpRequest request, VideoCatalog catalog, PlaybackTokens tokens, IOptions<PlaybackOptions> options, IGrainFactory grains, TimeProvider time,
        WatermarkSessions watermarks, CancellationToken cancellationToken)
    {
        var (read, error) = await JsonBodies.ReadAsync<PlaybackRequest>(request,
            """{"ttlSeconds": 3600, "viewer": "...", "watermark": {"text": "...", "position": "moving", "opacity": 0.5, "fontSize": 24}}""", cancellationToken);
        if (error is not null)
        {
            return error;
        }
        var body = read ?? new PlaybackRequest(null, null);
        var (ttl, badRequest) = options.Value.Check(body.TtlSeconds, body.Viewer);
        if (badRequest is not null)
        {
            return badRequest;
        }
        WatermarkSpec? watermark = null;
        if (body.Watermark is { } asked)
        {
            (watermark, var refused) = WatermarkSessions.Check(asked);
            if (refused is not null)
            {
                return refused;
            }
        }
        if (await catalog.GetInProjectAsync(request.HttpContext.GetProjectId(), id) is not { } video)
        {
            return Problems.NotFound($"There is no video '{id}'.");
        }
        if (video.Status == VideoStatus.Failed)
        {
            return Problems.Conflict($"Video '{id}' failed and cannot be played: {video.Error}");
        }
        if (watermark is not null)
        {
            return await watermarks.StartAsync(request, video, body.Viewer, watermark, ttl);
        }
        var expiresAt = time.GetUtcNow().AddSeconds(ttl);
        if (video.ForensicRung is not null && !string.IsNullOrEmpty(body.Viewer))
        {
            // Recorded before the URL exists: the detector only ever compares a leak with viewers it knows of.
            await grains.GetGrain<IForensicGrain>(id).RecordViewerAsync(body.Viewer);
        }
        var token = tokens.Issue(id, expiresAt, body.Viewer);
        var urls = PlaybackUrls.For(PlaybackUrls.BaseOf(request), id, token);
        var downloads = (await grains.GetGrain<IProjectGrain>(video.ProjectId).GetAsync())?.Mp4Downloads == true;
        var cmaf = await CmafPlayback.LoadAsync(video, token, grains) is null ? default : CmafEndpoints.Urls(PlaybackUrls.BaseOf(request), id, token);
        return Results.Ok(new PlaybackResponse(urls.Url, expiresAt, urls.ThumbnailUrl, urls.StoryboardUrl, urls.EmbedUrl, downloads ? urls.DownloadUrl : null,
            cmaf.DashUrl, cmaf.CmafHlsUrl, cmaf.LicenseUrl));
    }

    private static async Task<IResult> ServeImageAsync(
        HttpContext context, string id, Func<string, string, string> key, string contentType, IObjectStorage storage, VideoCatalog catalog, CancellationToken cancellationToken)
    {
        var projectId = context.GetProjectId();
        if (await catalog.GetInProjectAsync(projectId, id) is null
            || await storage.OpenReadAsync(key(projectId, id), cancellationToken) is not { } content)
        {
            return Problems.NotFound($"Video '{id}' has no such image (yet): images are made when encoding finishes.");
        }
        return Results.Stream(content, contentType);
    }

    private static string EncodeCursor(VideoIndexCursor cursor) =>
        WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes($"{cursor.Bucket}:{cursor.CreatedAtMs}:{cursor.VideoId}"));

    private static VideoIndexCursor? DecodeCursor(string cursor)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(cursor)).Split(':', 3);
            return parts.Length == 3 && int.TryParse(parts[0], out var bucket) && bucket >= 0 && long.TryParse(parts[1], out var created) && parts[2].Length > 0
                ? new VideoIndexCursor(bucket, created, parts[2])
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
