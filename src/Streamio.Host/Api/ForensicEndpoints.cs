using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Streamio.Abstractions.Forensics;
using Streamio.Abstractions.Videos;
using Streamio.Host.Auth;
using Streamio.Host.Configuration;
using Streamio.Host.Http;
using Streamio.Host.Uploads;
using Streamio.Host.Videos;
using Streamio.Storage;

namespace Streamio.Host.Api;

/// <summary>
/// "Who leaked this?": <c>POST /v1/forensics/detect</c> takes a recording of a forensic video (a multipart file, or the
/// key of an object under the project's ingest folder) and names the viewer whose stream it came from. The analysis runs
/// on a silo (<see cref="IForensicDetectorGrain"/>) and the answer comes back in the same request.
/// </summary>
public static class ForensicEndpoints
{
    public static IEndpointRouteBuilder MapForensicEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1/forensics").RequireProject().WithTags("Forensics").ProducesCallerProblems()
            .MapPost("detect", DetectAsync).DisableAntiforgery()
            .WithSummary("Name the viewer a leaked recording came from (multipart: videoId, file; or JSON {videoId, key})")
            .Produces<LeakDetectionResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    private static async Task<IResult> DetectAsync(
        HttpContext context, IObjectStorage storage, VideoCatalog catalog, IGrainFactory grains, IOptions<StreamioOptions> options,
        IOptions<UploadOptions> uploadOptions, CancellationToken cancellationToken)
    {
        var projectId = context.GetProjectId();
        if (context.Request.HasJsonContentType())
        {
            var (body, error) = await JsonBodies.ReadAsync<LeakKeyRequest>(context.Request, """{"videoId": "v_...", "key": "ingest/..."}""", cancellationToken);
            if (error is not null)
            {
                return error;
            }
            var prefix = UploadOptions.IngestPrefixOf(uploadOptions.Value.IngestPrefix, projectId);
            if (body?.Key is not { } key || uploadOptions.Value.IngestPrefix.Length == 0 || !StorageKeyRules.IsValid(key) || !key.StartsWith(prefix, StringComparison.Ordinal))
            {
                return Problems.BadRequest($"key must name an object under '{prefix}' (e.g. '{prefix}leak.mp4'), or send the recording as multipart/form-data with videoId and file.");
            }
            if (await CheckVideoAsync(catalog, projectId, body.VideoId) is { } refused)
            {
                return refused;
            }
            if (await storage.GetSizeAsync(key, cancellationToken) is not > 0)
            {
                return Problems.NotFound($"There is no object '{key}' (or it is empty): upload the recording there first.");
            }
            return await RunAsync(grains, new LeakRequest(projectId, body.VideoId!, key));
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = null;
        }
        var leakKey = StorageKeys.ForensicLeak(projectId, $"l_{Guid.CreateVersion7():N}");
        try
        {
            ReceivedUpload upload;
            try
            {
                upload = await MultipartUpload.ReceiveAsync(context.Request, storage, leakKey, options.Value.MaxUploadBytes, cancellationToken);
            }
            catch (Exception error) when (error is UploadTooLargeException or BadUploadException or IOException or InvalidDataException)
            {
                return error switch
                {
                    UploadTooLargeException => Problems.TooLarge(options.Value.MaxUploadBytes),
                    BadUploadException bad => Problems.BadRequest($"{bad.Message} The recording goes in 'file', the video's id in 'videoId'."),
                    _ => Problems.BadRequest($"The multipart body is malformed: {error.Message}"),
                };
            }
            var videoId = upload.Fields.GetValueOrDefault("videoId");
            return await CheckVideoAsync(catalog, projectId, videoId) ?? await RunAsync(grains, new LeakRequest(projectId, videoId!, leakKey));
        }
        finally
        {
            await storage.DeleteAsync(leakKey, CancellationToken.None);
        }
    }

    /// <summary>Null when the video is the caller's and forensic; else the problem to answer.</summary>
    private static async Task<IResult?> CheckVideoAsync(VideoCatalog catalog, string projectId, string? videoId)
    {
        if (string.IsNullOrWhiteSpace(videoId))
        {
            return Problems.BadRequest("videoId is required: the id of the video the recording is a copy of.");
        }
        if (await catalog.GetInProjectAsync(projectId, videoId) is not { } video)
        {
            return Problems.NotFound($"There is no video '{videoId}'.");
        }
        if (video.ForensicRung is null)
        {
            return Problems.Conflict($"Video '{videoId}' has no forensic watermark, so no viewer can be traced: upload videos with forensic=true (or turn forensics on for the project) before sharing them.");
        }
        return video.Status == VideoStatus.Ready
            ? null
            : Problems.Conflict($"Video '{videoId}' is still {video.Status.ToString().ToLowerInvariant()}: a recording can be checked once it is ready.");
    }

    private static async Task<IResult> RunAsync(IGrainFactory grains, LeakRequest request)
    {
        var report = await grains.GetGrain<IForensicDetectorGrain>(0).DetectAsync(request);
        return report.Verdict == LeakVerdict.Unreadable
            ? Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Unreadable recording",
                detail: $"{report.Reason} Send a video file (MP4, MOV, MKV or WebM).")
            : Results.Ok(LeakDetectionResponse.From(report));
    }
}

public sealed record LeakKeyRequest(string? VideoId, string? Key);

/// <summary>
/// The detector's answer: a match names <paramref name="Viewer"/> with <paramref name="Confidence"/>; otherwise
/// <paramref name="Reason"/> says why not. <paramref name="Verdict"/> is <c>match</c>, <c>no-match</c>, <c>not-this-video</c>
/// or <c>too-short</c>; <paramref name="Candidates"/> are the best-scoring known viewers.
/// </summary>
public sealed record LeakDetectionResponse(
    bool Match, string? Viewer, double? Confidence, int SegmentsRead, string Verdict, string? Reason, double? OffsetSeconds, double Alignment,
    IReadOnlyList<ViewerScore> Candidates)
{
    public static LeakDetectionResponse From(LeakReport report) => new(
        report.Match, report.Viewer, report.Match ? report.Confidence : null, report.SegmentsRead, VerdictName(report.Verdict), report.Reason,
        report.OffsetSeconds, Math.Round(report.Alignment, 3), report.Candidates);

    private static string VerdictName(LeakVerdict verdict) => verdict switch
    {
        LeakVerdict.Match => "match",
        LeakVerdict.NotThisVideo => "not-this-video",
        LeakVerdict.TooShort => "too-short",
        LeakVerdict.Unreadable => "unreadable",
        _ => "no-match",
    };
}
