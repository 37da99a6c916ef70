using Streamio.Host.Uploads;
using Streamio.Host.Uploads.Progressive;

namespace Streamio.Host.Api;

/// <summary>
/// <c>GET /internal/sources/{videoId}?exp=…&amp;sig=…</c>: an upload in progress on this node, streamed from its first
/// byte as it grows, for FFmpeg on whichever silo encodes it. Its authority is the URL's signature (HMAC, like upload
/// URLs, with a subject of its own). The body ends when the upload completes; an abandoned upload aborts the response,
/// so the reader sees an error and never a clean end.
/// </summary>
public static class GrowingSourceEndpoints
{
    public static IEndpointRouteBuilder MapGrowingSourceEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/internal/sources/{videoId}", StreamAsync).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task StreamAsync(HttpContext context, string videoId, long? exp, string? sig, GrowingSources sources)
    {
        var check = sources.Check(videoId, exp, sig);
        var source = check == UploadUrlCheck.Valid ? sources.Find(videoId) : null;
        if (source is null)
        {
            context.Response.StatusCode = check == UploadUrlCheck.Valid ? StatusCodes.Status404NotFound : StatusCodes.Status403Forbidden;
            return;
        }
        context.Response.ContentType = "application/octet-stream";
        context.Response.Headers.CacheControl = "no-store";
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
}
