using Streamio.Abstractions.Videos;
using Streamio.Host.Uploads;
using Streamio.Host.Uploads.Progressive;
using Streamio.Storage;

namespace Streamio.Host.Api;

/// <summary>
/// <c>GET /internal/sources/{videoId}?exp=…&amp;sig=…</c>: an upload in progress on this node, streamed from its first
/// byte as it grows, for FFmpeg on whichever silo encodes it. Its authority is the URL's signature (HMAC, like upload
/// URLs, with a subject of its own). The body ends when the upload completes; an abandoned upload aborts the response,
/// so the reader sees an error and never a clean end. Once the upload has completed the same URL reads the stored
/// source: work handed the URL just before the last byte may start FFmpeg just after it, and should not have to start
/// again (a fast start that did lost about 0.4 s of time to first frame).
/// </summary>
public static class GrowingSourceEndpoints
{
    public static IEndpointRouteBuilder MapGrowingSourceEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/internal/sources/{videoId}", StreamAsync).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task StreamAsync(HttpContext context, string videoId, long? exp, string? sig, GrowingSources sources,
        IGrainFactory grains, IObjectStorage storage)
    {
        var check = sources.Check(videoId, exp, sig);
        if (check != UploadUrlCheck.Valid)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }
        if (sources.Find(videoId) is { } source)
        {
            StartBody(context);
            await StreamGrowingAsync(context, source);
        }
        else if (await OpenStoredAsync(videoId, grains, storage, context.RequestAborted) is { } stored)
        {
            await using (stored)
            {
                StartBody(context);
                await stored.CopyToAsync(context.Response.Body, context.RequestAborted);
            }
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }

    private static void StartBody(HttpContext context)
    {
        context.Response.ContentType = "application/octet-stream";
        context.Response.Headers.CacheControl = "no-store";
    }

    private static async Task StreamGrowingAsync(HttpContext context, GrowingSource source)
    {
        await using var reader = source.OpenReader();
        try
        {
            await reader.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
        catch (IOException) when (!context.RequestAborted.IsCancellationRequested)
        {
            // Abandoned: cut the connection rather than end the body, which would read as the whole file.
            context.Abort();
        }
    }

    /// <summary>
    /// The stored source of a video whose upload has completed; null while it is still uploading elsewhere (or broke
    /// off), and for a video that is gone or whose source was deleted.
    /// </summary>
    private static async Task<Stream?> OpenStoredAsync(string videoId, IGrainFactory grains, IObjectStorage storage, CancellationToken cancellationToken)
    {
        var video = await grains.GetGrain<IVideoGrain>(videoId).GetAsync().WaitAsync(cancellationToken);
        if (video is null or { Status: VideoStatus.Uploading } or { SourceIsExternal: true } or { SourceDeleted: true })
        {
            return null;
        }
        return await storage.OpenReadAsync(video.SourceKey, cancellationToken);
    }
}
