using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Streamio.Abstractions.Uploads;
using Streamio.Abstractions.Videos;
using Streamio.Host.Auth;
using Streamio.Host.Uploads;
using Streamio.Host.Uploads.Progressive;
using Streamio.Host.Uploads.Tus;
using Streamio.Host.Configuration;
using Streamio.Host.Http;

namespace Streamio.Host.Api;

/// <summary>
/// Resumable uploads with the tus 1.0 protocol (core, creation, termination, checksum, expiration) under /v1/tus.
/// An upload's state lives in its grain; its bytes are parts in storage; when the last byte arrives it becomes a video.
/// </summary>
public static class TusEndpoints
{
    public const string CorsPolicy = "tus";
    private const string MethodOverrideHeader = "X-HTTP-Method-Override";

    public static IEndpointRouteBuilder MapTusEndpoints(this IEndpointRouteBuilder app)
    {
        // Uploads belong to the caller's project; another project's upload answers 404. Discovery (OPTIONS) is open.
        var tus = app.MapGroup("/v1/tus").AddEndpointFilter(RequireTusVersion).RequireCors(CorsPolicy).DisableAntiforgery().RequireProject();
        tus.MapMethods("", [HttpMethods.Options], Options).AllowAnonymous();
        tus.MapMethods("{uploadId}", [HttpMethods.Options], Options).AllowAnonymous();
        tus.MapPost("", CreateAsync);
        tus.MapMethods("{uploadId}", [HttpMethods.Head], HeadAsync);
        tus.MapPatch("{uploadId}", PatchAsync);
        tus.MapDelete("{uploadId}", TerminateAsync);
        tus.MapGet("{uploadId}", GetAsync);
        tus.MapPost("{uploadId}", MethodOverrideAsync);
        return app;
    }

    /// <summary>Every tus request names the protocol version (OPTIONS discovers it; GET is Streamio's own); every answer carries it.</summary>
    private static async ValueTask<object?> RequireTusVersion(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        http.Response.Headers[TusProtocol.TusResumable] = TusProtocol.Version;
        http.Response.Headers.CacheControl = "no-store";
        var method = http.Request.Method;
        if (!HttpMethods.IsOptions(method) && !HttpMethods.IsGet(method) && http.Request.Headers[TusProtocol.TusResumable] != TusProtocol.Version)
        {
            http.Response.Headers[TusProtocol.TusVersion] = TusProtocol.Version;
            return Results.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "Unsupported tus version",
                detail: $"Send 'Tus-Resumable: {TusProtocol.Version}': it is the only tus version this server speaks.");
        }
        return await next(context);
    }

    private static IResult Options(HttpResponse response, IOptions<StreamioOptions> options)
    {
        response.Headers[TusProtocol.TusVersion] = TusProtocol.Version;
        response.Headers[TusProtocol.TusExtension] = TusProtocol.Extensions;
        response.Headers[TusProtocol.TusMaxSize] = options.Value.MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers[TusProtocol.TusChecksumAlgorithm] = TusProtocol.ChecksumAlgorithms;
        return Results.NoContent();
    }

    private static async Task<IResult> CreateAsync(
        HttpContext context, HttpRequest request, HttpResponse response, IGrainFactory grains, IOptions<StreamioOptions> streamio, IOptions<TusOptions> tus,
        TimeProvider time)
    {
        var headers = request.Headers;
        if (headers.ContainsKey(TusProtocol.UploadDeferLength))
        {
            return Problems.BadRequest("Deferred lengths are not supported: send Upload-Length with the file's size in bytes.");
        }
        if (!TusProtocol.TryParseSize(headers[TusProtocol.UploadLength], out var length))
        {
            return Problems.BadRequest("Send Upload-Length with the file's size in bytes (a non-negative integer).");
        }
        if (length > streamio.Value.MaxUploadBytes)
        {
            return Problems.TooLarge(streamio.Value.MaxUploadBytes);
        }
        if (length == 0)
        {
            return Problems.BadRequest("The file is empty (Upload-Length: 0): send a video.");
        }
        if (request.ContentLength > 0)
        {
            return Problems.BadRequest("Creation with upload is not supported: create with an empty body, then PATCH the bytes.");
        }
        string? metadataHeader = headers[TusProtocol.UploadMetadata];
        if (TusProtocol.ParseMetadata(metadataHeader, out var metadataError) is not { } metadata)
        {
            return Problems.BadRequest(metadataError!);
        }
        if (LogoChoice.Parse(metadata.GetValueOrDefault(LogoChoice.Field), out var logoError) is null)
        {
            return Problems.BadRequest($"Upload-Metadata: {logoError}");
        }
        var upload = await grains.GetGrain<ITusUploadGrain>($"u_{Guid.CreateVersion7():N}").CreateAsync(new NewTusUpload(
            context.GetProjectId(),
            length,
            string.IsNullOrWhiteSpace(metadataHeader) ? null : metadataHeader,
            Trimmed(metadata.GetValueOrDefault("filename"), 255),
            Trimmed(metadata.GetValueOrDefault("title"), 200),
            VideoIntake.NewVideoId(),
            time.GetUtcNow() + tus.Value.Expiration));
        response.Headers[TusProtocol.UploadExpires] = TusProtocol.HttpDate(upload.ExpiresAt);
        return TypedResults.Created($"{request.Scheme}://{request.Host}{request.PathBase}/v1/tus/{upload.Id}");
    }

    private static async Task<IResult> HeadAsync(
        string uploadId, HttpContext context, IGrainFactory grains, TusFinisher finisher, TimeProvider time, CancellationToken cancellationToken)
    {
        var (problem, _, _) = await DescribeAsync(context, uploadId, grains, finisher, time, cancellationToken);
        return problem ?? Results.Ok();
    }

    private static async Task<IResult> GetAsync(
        string uploadId, HttpContext context, IGrainFactory grains, TusFinisher finisher, TimeProvider time, CancellationToken cancellationToken)
    {
        var (problem, upload, videoId) = await DescribeAsync(context, uploadId, grains, finisher, time, cancellationToken);
        return problem ?? Results.Ok(new TusUploadResponse(upload!.Id, upload.Length, upload.Offset, upload.FileName, upload.Title, videoId,
            videoId is null ? null : $"/v1/videos/{videoId}", upload.ExpiresAt));
    }

    /// <summary>
    /// HEAD and GET: the upload's headers. A crash between the last byte and the video leaves a full upload behind, so
    /// a client asking about it finishes it.
    /// </summary>
    private static async Task<(IResult? Problem, TusUploadView? Upload, string? VideoId)> DescribeAsync(
        HttpContext context, string uploadId, IGrainFactory grains, TusFinisher finisher, TimeProvider time, CancellationToken cancellationToken)
    {
        var (problem, upload) = await FindAsync(context, uploadId, grains, time);
        if (problem is not null)
        {
            return (problem, null, null);
        }
        // A video encoding while its upload arrives is named before the upload is full.
        var videoId = await finisher.FinishAsync(upload!, cancellationToken)
            ?? (await grains.GetGrain<IVideoGrain>(upload!.VideoId).GetAsync() is { Status: VideoStatus.Uploading } ? upload.VideoId : null);
        DescribeUpload(context.Response, upload!, videoId);
        return (null, upload, videoId);
    }

    private static async Task<IResult> PatchAsync(
        string uploadId, HttpContext context, IGrainFactory grains, TusPartStore parts, TusScratch scratch, TusFinisher finisher,
        IOptions<TusOptions> tus, TimeProvider time, IHostApplicationLifetime lifetime, ProgressiveIntake progressive, VideoIntake intake)
    {
        var request = context.Request;
        if (!string.Equals(request.ContentType, TusProtocol.OffsetContentType, StringComparison.OrdinalIgnoreCase))
        {
            return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type",
                detail: $"Send the bytes with 'Content-Type: {TusProtocol.OffsetContentType}'.");
        }
        if (!TusProtocol.TryParseSize(request.Headers[TusProtocol.UploadOffset], out var offset))
        {
            return Problems.BadRequest("Send Upload-Offset: the offset the bytes start at (HEAD the upload to learn it).");
        }
        TusChecksum? checksum = null;
        if (request.Headers[TusProtocol.UploadChecksum].ToString() is { Length: > 0 } checksumHeader
            && (checksum = TusChecksum.Parse(checksumHeader, out var checksumError)) is null)
        {
            return Problems.BadRequest(checksumError!);
        }
        var (problem, upload) = await FindAsync(context, uploadId, grains, time);
        if (problem is not null)
        {
            return problem;
        }
        if (upload!.Offset != offset)
        {
            return Problems.Conflict($"Upload-Offset is {offset} but the upload has {upload.Offset} bytes: HEAD it and send from there.");
        }
        var remaining = upload.Length - upload.Offset;
        if (request.ContentLength > remaining)
        {
            return TooLong(upload);
        }
        // Our own limit (the bytes the upload still expects) is enforced while streaming; Kestrel's default would stop at 30 MB.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = null;
        }
        // Bytes that arrived before a client vanished are kept, so storing and recording them must not stop with the request.
        var keep = lifetime.ApplicationStopping;
        var path = scratch.NewFile(upload.Id);
        try
        {
            var watched = progressive.WatchTusPatch(request.Body, upload, async () => new UploadChoices(
                upload.Title ?? upload.FileName, TusFinisher.WithLogo(upload), await intake.ForensicAsync(upload.ProjectId, null)));
            var chunk = await TusScratch.ReceiveAsync(watched, path, remaining, checksum, context.RequestAborted);
            if (chunk.TooLarge || !chunk.ChecksumMatches || chunk.Bytes == 0)
            {
                await progressive.CheckTusPatchAsync(upload);
            }
            if (chunk.TooLarge)
            {
                return TooLong(upload);
            }
            if (!chunk.ChecksumMatches)
            {
                return Results.Problem(statusCode: TusProtocol.ChecksumMismatch, title: "Checksum mismatch",
                    detail: $"The chunk does not match its Upload-Checksum and was discarded; the upload stays at offset {upload.Offset}. Send it again.");
            }
            if (chunk.Bytes > 0)
            {
                await using (var stored = File.OpenRead(path))
                {
                    await parts.PutAsync(upload, offset, offset + chunk.Bytes, stored, keep);
                }
                var now = time.GetUtcNow();
                var advanced = await grains.GetGrain<ITusUploadGrain>(upload.Id).AdvanceAsync(offset, offset + chunk.Bytes, now, now + tus.Value.Expiration);
                switch (advanced.Outcome)
                {
                    case AdvanceOutcome.Missing:
                        await parts.DeleteAllAsync(upload, keep);
                        return Problems.NotFound($"Upload '{uploadId}' was terminated while this chunk arrived.");
                    case AdvanceOutcome.Expired:
                        return Gone(uploadId);
                    case AdvanceOutcome.OffsetMoved:
                        return Problems.Conflict($"Another request moved the upload to {advanced.Upload!.Offset} bytes first: HEAD it and send from there.");
                }
                upload = advanced.Upload!;
                await progressive.CheckTusPatchAsync(upload);
            }
            if (chunk.Interrupted)
            {
                return Results.Empty;
            }
            var videoId = await finisher.FinishAsync(upload, keep) ?? (progressive.IsUploading(upload.VideoId) ? upload.VideoId : null);
            DescribeUpload(context.Response, upload, videoId);
            return Results.NoContent();
        }
        finally
        {
            TusScratch.Delete(path);
        }
    }

    /// <summary>Clients behind proxies that only pass GET and POST send the method in X-HTTP-Method-Override.</summary>
    private static Task<IResult> MethodOverrideAsync(string uploadId, HttpContext context)
    {
        var services = context.RequestServices;
        T Get<T>() where T : notnull => services.GetRequiredService<T>();
        var aborted = context.RequestAborted;
        return context.Request.Headers[MethodOverrideHeader].ToString().ToUpperInvariant() switch
        {
            "PATCH" => PatchAsync(uploadId, context, Get<IGrainFactory>(), Get<TusPartStore>(), Get<TusScratch>(), Get<TusFinisher>(),
                Get<IOptions<TusOptions>>(), Get<TimeProvider>(), Get<IHostApplicationLifetime>(), Get<ProgressiveIntake>(), Get<VideoIntake>()),
            "DELETE" => TerminateAsync(uploadId, context, Get<IGrainFactory>(), Get<TusPartStore>(), Get<ProgressiveIntake>(), aborted),
            "HEAD" => HeadAsync(uploadId, context, Get<IGrainFactory>(), Get<TusFinisher>(), Get<TimeProvider>(), aborted),
            _ => Task.FromResult(Problems.BadRequest($"POST to an upload needs {MethodOverrideHeader}: PATCH, DELETE or HEAD.")),
        };
    }

    private static async Task<IResult> TerminateAsync(
        string uploadId, HttpContext context, IGrainFactory grains, TusPartStore parts, ProgressiveIntake progressive, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<ITusUploadGrain>(uploadId);
        if (!IsUploadId(uploadId) || await grain.GetAsync() is not { } upload || upload.ProjectId != context.GetProjectId()
            || await grain.DeleteAsync() is null)
        {
            return Problems.NotFound($"There is no upload '{uploadId}'.");
        }
        await parts.DeleteAllAsync(upload, cancellationToken);
        await progressive.AbandonAsync(upload.ProjectId, upload.VideoId, "the upload was terminated");
        return Results.NoContent();
    }

    /// <summary>The upload, or the problem to answer: 404 when there is none, 410 when it expired (the sweeper removes it soon).</summary>
    private static async Task<(IResult? Problem, TusUploadView? Upload)> FindAsync(HttpContext context, string uploadId, IGrainFactory grains, TimeProvider time)
    {
        // Another project's upload is as absent as a missing one (and a malformed id never reaches a grain).
        if (!IsUploadId(uploadId) || await grains.GetGrain<ITusUploadGrain>(uploadId).GetAsync() is not { } upload || upload.ProjectId != context.GetProjectId())
        {
            return (Problems.NotFound($"There is no upload '{uploadId}': create one with POST /v1/tus."), null);
        }
        return upload.IsExpired(time.GetUtcNow()) ? (Gone(uploadId), null) : (null, upload);
    }

    private static void DescribeUpload(HttpResponse response, TusUploadView upload, string? videoId)
    {
        var headers = response.Headers;
        headers[TusProtocol.UploadOffset] = upload.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers[TusProtocol.UploadLength] = upload.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (upload.Metadata is not null)
        {
            headers[TusProtocol.UploadMetadata] = upload.Metadata;
        }
        if (videoId is null)
        {
            headers[TusProtocol.UploadExpires] = TusProtocol.HttpDate(upload.ExpiresAt);
        }
        else
        {
            headers[TusProtocol.VideoIdHeader] = videoId;
        }
    }

    private static IResult Gone(string uploadId) =>
        Results.Problem(statusCode: StatusCodes.Status410Gone, title: "Upload expired",
            detail: $"Upload '{uploadId}' expired before it was finished and its bytes are being removed: start a new upload.");

    private static IResult TooLong(TusUploadView upload) =>
        Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Chunk too large",
            detail: $"The upload expects {upload.Length - upload.Offset} more bytes (Upload-Length {upload.Length}); the chunk is longer and was discarded.");

    private static bool IsUploadId(string id) => id.Length == 34 && id.StartsWith("u_", StringComparison.Ordinal) && id[2..].All(char.IsAsciiHexDigitLower);

    private static string? Trimmed(string? text, int maxLength) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Trim() is var trimmed && trimmed.Length > maxLength ? trimmed[..maxLength] : text.Trim();
}

/// <summary>GET /v1/tus/{id}: where an upload stands, and the video it became.</summary>
public sealed record TusUploadResponse(
    string Id, long Length, long Offset, string? FileName, string? Title, string? VideoId, string? VideoUrl, DateTimeOffset ExpiresAt);
