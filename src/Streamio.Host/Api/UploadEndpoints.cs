using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Streamio.Abstractions.Uploads;
using Streamio.Abstractions.Watermarks;
using Streamio.Abstractions.Wire;
using Streamio.Host.Auth;
using Streamio.Host.Playback;
using Streamio.Host.Uploads;
using Streamio.Storage;
using Streamio.Host.Configuration;
using Streamio.Host.Http;

namespace Streamio.Host.Api;

/// <summary>
/// The ways in besides a multipart POST: an upload URL (presigned S3 PUT, or Streamio's own signed PUT on the local
/// disk) completed by a call or an S3 event notification, and ingest of an object already in S3, read in place.
/// </summary>
public static class UploadEndpoints
{
    private const int MaxTitleLength = 500;

    public static IEndpointRouteBuilder MapUploadEndpoints(this IEndpointRouteBuilder app)
    {
        // Uploads belong to the caller's project. The signed PUT carries its own authority (the URL's signature), and
        // S3 notifications come from the storage side with the operator's shared secret, not from a project.
        var uploads = app.MapGroup("/v1/uploads").RequireProject();
        uploads.MapPost("", CreateAsync);
        uploads.MapGet("{id}", GetAsync);
        uploads.MapPut("{id}/content", PutContentAsync).AllowAnonymous();
        uploads.MapPost("{id}/complete", CompleteAsync);
        uploads.MapPost("s3-events", S3EventsAsync).AllowAnonymous();
        app.MapPost("/v1/videos/ingest", IngestAsync).RequireProject();
        return app;
    }

    private static async Task<IResult> CreateAsync(
        HttpContext context, HttpRequest request, IGrainFactory grains, UploadUrlSigner signer, IObjectStorage storage, IOptions<UploadOptions> uploadOptions,
        IOptions<StreamioOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var (body, invalid) = await ReadJsonAsync<UploadRequest>(request, "{\"title\": \"...\", \"filename\": \"...\", \"contentType\": \"video/mp4\", \"sizeBytes\": 123}", cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        body ??= new UploadRequest(null, null, null, null);
        var limit = options.Value.MaxUploadBytes;
        if (body.SizeBytes is < 1)
        {
            return Problems.BadRequest("sizeBytes must be at least 1 when given (or leave it out).");
        }
        if (body.SizeBytes > limit)
        {
            return Problems.TooLarge(limit);
        }
        var title = string.IsNullOrWhiteSpace(body.Title) ? NullIfBlank(body.Filename) : body.Title.Trim();
        if (title is { Length: > MaxTitleLength })
        {
            return Problems.BadRequest($"title (or filename) must be at most {MaxTitleLength} characters.");
        }
        if (body.ContentType is not null && (!MediaTypeHeaderValue.TryParse(body.ContentType, out _) || body.ContentType.Any(char.IsControl)))
        {
            return Problems.BadRequest($"contentType '{body.ContentType}' is not a media type such as 'video/mp4'.");
        }

        var projectId = context.GetProjectId();
        var videoId = VideoIntake.NewVideoId();
        var uploadId = $"u_{Guid.CreateVersion7():N}";
        // Exactly where a multipart upload puts its source: the video owns it (deleted with it, and once encoded).
        var upload = await grains.GetGrain<IUploadGrain>(uploadId).CreateAsync(new NewUpload(
            projectId, videoId, StorageKeys.Source(projectId, videoId), title, body.ContentType, body.SizeBytes,
            time.GetUtcNow().AddSeconds(uploadOptions.Value.UrlTtlSeconds), body.Logo ?? true));
        var url = storage is IPresignedUrls presigned
            ? presigned.PresignPut(upload.Key, TimeSpan.FromSeconds(uploadOptions.Value.UrlTtlSeconds), upload.ContentType).AbsoluteUri
            : $"{request.Scheme}://{request.Host}{signer.PathFor(upload.Id, upload.ExpiresAt)}";
        var headers = upload.ContentType is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["Content-Type"] = upload.ContentType };
        return Results.Created($"/v1/uploads/{upload.Id}",
            new UploadResponse(upload.Id, upload.VideoId, url, "PUT", headers, upload.Key, upload.ExpiresAt, UploadCompletion.LimitOf(upload, limit)));
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, IGrainFactory grains) =>
        await ReadOwnAsync(context, id, grains) is { } upload
            ? Results.Ok(new UploadStatusResponse(upload.Id, upload.VideoId, upload.Key, upload.Status == UploadStatus.Completed ? "completed" : "pending", upload.ExpiresAt))
            : UnknownUpload(id);

    /// <summary>The local-disk stand-in for a presigned S3 PUT: the signature and expiry are checked, the body streams to storage.</summary>
    private static async Task<IResult> PutContentAsync(
        string id, long? exp, string? sig, HttpContext context, UploadUrlSigner signer, IGrainFactory grains, IObjectStorage storage,
        IOptions<StreamioOptions> options, CancellationToken cancellationToken)
    {
        switch (signer.Check(id, exp, sig))
        {
            case UploadUrlCheck.Expired:
                return Problems.Forbidden("The upload URL has expired: ask for a new one with POST /v1/uploads.");
            case UploadUrlCheck.Invalid:
                return Problems.Forbidden("The upload URL is not valid (missing, altered or for another upload): PUT to the url returned by POST /v1/uploads unchanged.");
        }
        if (await grains.GetGrain<IUploadGrain>(id).GetAsync() is not { } upload)
        {
            return UnknownUpload(id);
        }
        if (upload.Status == UploadStatus.Completed)
        {
            return Problems.Conflict($"Upload '{id}' is already completed (video '{upload.VideoId}'); start a new one with POST /v1/uploads.");
        }
        var limit = UploadCompletion.LimitOf(upload, options.Value.MaxUploadBytes);
        if (context.Request.ContentLength > limit)
        {
            return Problems.TooLarge(limit);
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = null;
        }
        long bytes;
        try
        {
            bytes = await storage.PutAsync(upload.Key, new LimitedReadStream(context.Request.Body, limit), cancellationToken);
        }
        catch (Exception error) when (error is UploadTooLargeException or IOException or OperationCanceledException)
        {
            await storage.DeleteAsync(upload.Key, CancellationToken.None);
            return error is UploadTooLargeException ? Problems.TooLarge(limit) : Results.StatusCode(StatusCodes.Status499ClientClosedRequest);
        }
        if (bytes == 0)
        {
            await storage.DeleteAsync(upload.Key, CancellationToken.None);
            return Problems.BadRequest("The body is empty (0 bytes): PUT the video file as the request body.");
        }
        return Results.Ok(new UploadedContent(upload.Id, upload.Key, bytes));
    }

    private static async Task<IResult> CompleteAsync(string id, HttpContext context, IGrainFactory grains, UploadCompletion completion, CancellationToken cancellationToken)
    {
        if (await ReadOwnAsync(context, id, grains) is not { } upload)
        {
            return UnknownUpload(id);
        }
        var outcome = await completion.CompleteAsync(upload, cancellationToken);
        return outcome.Kind switch
        {
            UploadOutcomeKind.Created => VideoIntake.Created(outcome.Video!),
            UploadOutcomeKind.AlreadyCompleted => Results.Ok(VideoResponse.From(outcome.Video!)),
            UploadOutcomeKind.NotUploaded => Problems.Conflict(
                $"Nothing has been uploaded for '{id}' yet: PUT the file to the upload url first (it expires at {upload.ExpiresAt:O}), then complete."),
            UploadOutcomeKind.Empty => Problems.BadRequest($"The object uploaded for '{id}' is empty (0 bytes): PUT the video file again, then complete."),
            UploadOutcomeKind.TooLarge => Problems.TooLarge(outcome.Limit),
            _ => Problems.NotFound($"Upload '{id}' was completed, but its video '{upload.VideoId}' has since been deleted."),
        };
    }

    /// <summary>
    /// S3 event notifications (ObjectCreated:*), e.g. from a bucket notification through a webhook relay: each object
    /// that is a pending upload completes it. Unknown keys and other events are reported and ignored; repeats are harmless.
    /// </summary>
    private static async Task<IResult> S3EventsAsync(
        HttpRequest request, IOptions<UploadOptions> uploadOptions, IGrainFactory grains, UploadCompletion completion, IObjectStorage storage,
        CancellationToken cancellationToken)
    {
        var secret = uploadOptions.Value.NotificationSecret;
        var sent = request.Headers[UploadOptions.NotificationSecretHeader].ToString();
        if (secret.Length == 0 || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sent), Encoding.UTF8.GetBytes(secret)))
        {
            return Problems.Forbidden(secret.Length == 0
                ? "S3 event notifications are off: set Streamio:Uploads:NotificationSecret and send it in the " + UploadOptions.NotificationSecretHeader + " header."
                : "The " + UploadOptions.NotificationSecretHeader + " header is missing or wrong: send the value of Streamio:Uploads:NotificationSecret.");
        }
        var (notification, invalid) = await ReadJsonAsync<S3EventNotification>(request, "{\"Records\": [{\"eventName\": \"ObjectCreated:Put\", \"s3\": {\"bucket\": {\"name\": \"...\"}, \"object\": {\"key\": \"...\"}}}]}", cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        var results = new List<S3EventResult>();
        foreach (var record in notification?.Records ?? [])
        {
            results.Add(await HandleRecordAsync(record, grains, completion, storage, cancellationToken));
        }
        return Results.Ok(new S3EventsResponse(results));
    }

    private static async Task<S3EventResult> HandleRecordAsync(
        S3EventRecord record, IGrainFactory grains, UploadCompletion completion, IObjectStorage storage, CancellationToken cancellationToken)
    {
        // Keys arrive URL-encoded (spaces as '+'), as S3 sends them.
        var objectKey = WebUtility.UrlDecode(record.S3?.Object?.Key ?? "");
        if (record.EventName?.Contains("ObjectCreated:", StringComparison.Ordinal) != true)
        {
            return new S3EventResult(objectKey, null, null, "ignored: not an ObjectCreated event");
        }
        var key = storage is IPresignedUrls presigned ? presigned.KeyOfBucketObject(record.S3?.Bucket?.Name ?? "", objectKey) : objectKey;
        if (key is null || !StorageKeyRules.IsValid(key) || await grains.FindByKeyAsync(key) is not { } upload)
        {
            return new S3EventResult(objectKey, null, null, "ignored: not a pending upload");
        }
        var outcome = await completion.CompleteAsync(upload, cancellationToken);
        var text = outcome.Kind switch
        {
            UploadOutcomeKind.Created => "created",
            UploadOutcomeKind.AlreadyCompleted => "already completed",
            UploadOutcomeKind.NotUploaded => "ignored: the object is not there",
            UploadOutcomeKind.Empty => "refused: the object is empty",
            UploadOutcomeKind.TooLarge => $"refused: larger than {outcome.Limit} bytes (deleted)",
            _ => "ignored: the video was deleted",
        };
        return new S3EventResult(objectKey, upload.Id, outcome.Video?.Id, text);
    }

    /// <summary>A video from an object already in the bucket, under the ingest prefix: FFmpeg reads it in place through presigned URLs.</summary>
    private static async Task<IResult> IngestAsync(
        HttpContext context, HttpRequest request, IObjectStorage storage, VideoIntake intake, IOptions<UploadOptions> uploadOptions, IOptions<StreamioOptions> options,
        IOptions<PlaybackOptions> playback, WatermarkSessions watermarks, CancellationToken cancellationToken)
    {
        if (storage is not IPresignedUrls)
        {
            return Problems.BadRequest(
                "Ingest by key reads an object in place from S3, and this Streamio stores on the local disk (Streamio:Storage:Kind=Local): " +
                "upload the file with POST /v1/videos or POST /v1/uploads instead.");
        }
        var (body, invalid) = await ReadJsonAsync<IngestRequest>(request,
            "{\"key\": \"ingest/...\", \"title\": \"...\", \"viewer\": \"...\", \"watermark\": {\"text\": \"...\"}}", cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        if (uploadOptions.Value.IngestPrefix.Length == 0)
        {
            return Problems.BadRequest("Ingest by key is off on this Streamio (Streamio:Uploads:IngestPrefix is empty).");
        }
        // Each project ingests from its own folder under the prefix, so no project can turn another's object into a video.
        var projectId = context.GetProjectId();
        var prefix = UploadOptions.IngestPrefixOf(uploadOptions.Value.IngestPrefix, projectId);
        if (body?.Key is not { } key || !StorageKeyRules.IsValid(key) || !key.StartsWith(prefix, StringComparison.Ordinal))
        {
            return Problems.BadRequest($"key must name an object under '{prefix}' (e.g. '{prefix}my-video.mp4'), relative to the storage key prefix, with no '.' or '..' parts.");
        }
        if (body.Title is { Length: > MaxTitleLength })
        {
            return Problems.BadRequest($"title must be at most {MaxTitleLength} characters.");
        }
        // Checked before the video exists, so a refused watermark leaves nothing behind.
        WatermarkSpec? watermark = null;
        var ttl = body.TtlSeconds ?? playback.Value.DefaultTtlSeconds;
        if (body.Watermark is { } asked)
        {
            (watermark, var refused) = WatermarkSessions.Check(asked);
            if (refused is not null)
            {
                return refused;
            }
            if (ttl < 1 || ttl > playback.Value.MaxTtlSeconds)
            {
                return Problems.BadRequest($"ttlSeconds must be between 1 and {playback.Value.MaxTtlSeconds}.");
            }
            if (body.Viewer is { Length: > 200 } || body.Viewer?.Contains('|') == true)
            {
                return Problems.BadRequest("viewer must be at most 200 characters and contain no '|'.");
            }
        }
        var size = await storage.GetSizeAsync(key, cancellationToken);
        if (size is null)
        {
            return Problems.NotFound($"There is no object '{key}' in the bucket: upload it first, then ingest it.");
        }
        if (size == 0)
        {
            return Problems.BadRequest($"The object '{key}' is empty (0 bytes).");
        }
        if (size > options.Value.MaxUploadBytes)
        {
            return Problems.TooLarge(options.Value.MaxUploadBytes);
        }
        var video = await intake.IngestAsync(projectId, VideoIntake.NewVideoId(), NullIfBlank(body.Title), key, size.Value, cancellationToken, body.Logo ?? true);
        if (watermark is null)
        {
            return VideoIntake.Created(video);
        }
        // The URL comes back at once: the session follows the rendition as it is encoded.
        return await watermarks.StartAsync(request, video, body.Viewer, watermark, ttl,
            stream => Results.Created($"/v1/videos/{video.Id}", new WatermarkedIngestResponse(VideoResponse.From(video), stream)),
            $" The video {video.Id} was created: ask for its watermarked URL with POST /v1/videos/{video.Id}/playback.");
    }

    /// <summary>An optional JSON body: null when there is none, or a 400 that shows the expected shape.</summary>
    private static async Task<(T? Body, IResult? Invalid)> ReadJsonAsync<T>(HttpRequest request, string example, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength is 0 || (request.ContentLength is null && !request.HasJsonContentType()))
        {
            return (null, null);
        }
        if (!request.HasJsonContentType())
        {
            return (null, Problems.BadRequest($"Send a JSON body (Content-Type: application/json), e.g. {example}."));
        }
        try
        {
            return (await request.ReadFromJsonAsync<T>(cancellationToken), null);
        }
        catch (JsonException error)
        {
            return (null, Problems.BadRequest($"The body is not valid JSON ({example} expected): {error.Message}"));
        }
    }

    /// <summary>The upload, when it exists and belongs to the caller's project (another project's is as absent as a missing one).</summary>
    private static async Task<UploadView?> ReadOwnAsync(HttpContext context, string id, IGrainFactory grains) =>
        await grains.GetGrain<IUploadGrain>(id).GetAsync() is { } upload && upload.ProjectId == context.GetProjectId() ? upload : null;

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static IResult UnknownUpload(string id) => Problems.NotFound($"There is no upload '{id}': create one with POST /v1/uploads.");
}

/// <param name="Logo">false: the video does not carry the project's logo.</param>
public sealed record UploadRequest(string? Title, string? Filename, string? ContentType, long? SizeBytes, bool? Logo = null);

public sealed record UploadResponse(
    string UploadId, string VideoId, string Url, string Method, IReadOnlyDictionary<string, string> Headers, string Key, DateTimeOffset ExpiresAt, long MaxBytes);

public sealed record UploadStatusResponse(string UploadId, string VideoId, string Key, string Status, DateTimeOffset ExpiresAt);

public sealed record UploadedContent(string UploadId, string Key, long Bytes);

/// <summary>An object to ingest; with <paramref name="Watermark"/>, a watermarked stream for <paramref name="Viewer"/> starts with it.</summary>
/// <param name="Logo">false: the video does not carry the project's logo.</param>
public sealed record IngestRequest(string? Key, string? Title, bool? Logo = null, string? Viewer = null, int? TtlSeconds = null, WatermarkRequest? Watermark = null);

/// <summary>The video an ingest created, and its watermarked stream (playable as soon as its first segment is made).</summary>
public sealed record WatermarkedIngestResponse(VideoResponse Video, WatermarkedPlaybackResponse Playback);

public sealed record S3EventNotification(IReadOnlyList<S3EventRecord>? Records);

public sealed record S3EventRecord(string? EventName, S3EventEntity? S3);

public sealed record S3EventEntity(S3EventBucket? Bucket, S3EventObject? Object);

public sealed record S3EventBucket(string? Name);

public sealed record S3EventObject(string? Key, long? Size);

public sealed record S3EventResult(string Key, string? UploadId, string? VideoId, string Outcome);

public sealed record S3EventsResponse(IReadOnlyList<S3EventResult> Results);
