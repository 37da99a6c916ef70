using System.Text.Json;
using Microsoft.Extensions.Options;
using Streamio.Abstractions.Live;
using Streamio.Abstractions.Wire;
using Streamio.Host.Auth;
using Streamio.Host.Http;
using Streamio.Host.LiveStreams;
using Streamio.Host.Playback;

namespace Streamio.Host.Api;

/// <summary>
/// The /v1/live-streams surface: create, list, read, delete, a new stream key, and signed playback URLs. Scoped to the
/// caller's project like videos: another project's stream answers 404, exactly like one that does not exist.
/// </summary>
public static class LiveStreamEndpoints
{
    public const int MaxTitleLength = 200;
    public const int MinDvrWindowSeconds = 60;
    public const int MaxDvrWindowSeconds = 6 * 3600;

    private const string CreateExample = """{"title": "Friday stream", "dvrWindowSeconds": 1800, "record": true}""";

    public static IEndpointRouteBuilder MapLiveStreamEndpoints(this IEndpointRouteBuilder app)
    {
        var live = app.MapGroup("/v1/live-streams").RequireProject().WithTags("Live streams").ProducesCallerProblems();
        live.MapPost("", CreateAsync).WithSummary("Create a live stream: its stream key and the RTMP and SRT URLs to publish to")
            .DescribesBody<LiveStreamCreateRequest>().Produces<LiveStreamResponse>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest);
        live.MapGet("", ListAsync).WithSummary("List the project's live streams, newest first").Produces<LiveStreamPage>();
        live.MapGet("{id}", GetAsync).WithSummary("Read a live stream: status, session, latency, recordings")
            .Produces<LiveStreamResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        live.MapDelete("{id}", DeleteAsync).WithSummary("Delete a live stream (a running session ends; recordings stay as videos)")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        live.MapPost("{id}/reset-key", ResetKeyAsync).WithSummary("Issue a new stream key; the old one stops working and its publisher is cut off")
            .Produces<LiveStreamResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        live.MapPost("{id}/playback", CreatePlaybackAsync).WithSummary("Create a signed URL of the live master playlist (with the DVR window)")
            .DescribesBody<LivePlaybackRequest>().Produces<LivePlaybackResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpContext context, IGrainFactory grains, LiveIngestAddresses addresses, CancellationToken cancellationToken)
    {
        var (body, error) = await ReadCreateAsync(context.Request, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        var id = LiveStreamIds.New();
        var projectId = context.GetProjectId();
        var title = string.IsNullOrWhiteSpace(body!.Title) ? null : body.Title.Trim();
        // A DVR window of 0 asks for the node's default (Streamio:Live:DvrWindowSeconds).
        var created = await grains.GetGrain<ILiveStreamGrain>(id).CreateAsync(new LiveStreamCreate(projectId, title, body.DvrWindowSeconds ?? 0, body.Record ?? true));
        return Results.Created($"/v1/live-streams/{id}", addresses.Response(created, context.Request));
    }

    /// <summary>The create body, checked field by field: every refusal names the field and what it takes.</summary>
    public static async Task<(LiveStreamCreateRequest? Body, IResult? Error)> ReadCreateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is 0 || !request.HasJsonContentType())
        {
            return (new LiveStreamCreateRequest(null, null, null), null);
        }
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException parse)
        {
            return (null, Problems.BadRequest($"The body is not valid JSON ({CreateExample} expected): {parse.Message}"));
        }
        using (document)
        {
            return LiveStreamRequests.Check(document.RootElement, CreateExample);
        }
    }

    private static async Task<IResult> ListAsync(HttpContext context, LiveStreamCatalog catalog, LiveIngestAddresses addresses) =>
        Results.Ok(new LiveStreamPage((await catalog.ListAsync(context.GetProjectId())).Select(stream => addresses.Response(stream, context.Request)).ToList()));

    private static async Task<IResult> GetAsync(string id, HttpContext context, LiveStreamCatalog catalog, LiveIngestAddresses addresses) =>
        await catalog.GetInProjectAsync(context.GetProjectId(), id) is { } stream
            ? Results.Ok(addresses.Response(stream, context.Request))
            : NoStream(id);

    private static async Task<IResult> DeleteAsync(string id, HttpContext context, LiveStreamCatalog catalog, IGrainFactory grains)
    {
        if (await catalog.GetInProjectAsync(context.GetProjectId(), id) is null)
        {
            return NoStream(id);
        }
        await grains.GetGrain<ILiveStreamGrain>(id).DeleteAsync();
        return Results.NoContent();
    }

    private static async Task<IResult> ResetKeyAsync(string id, HttpContext context, LiveStreamCatalog catalog, IGrainFactory grains, LiveIngestAddresses addresses) =>
        await catalog.GetInProjectAsync(context.GetProjectId(), id) is not null
        && await grains.GetGrain<ILiveStreamGrain>(id).ResetKeyAsync() is { } reset
            ? Results.Ok(addresses.Response(reset, context.Request))
            : NoStream(id);

    private static async Task<IResult> CreatePlaybackAsync(
        string id, HttpRequest request, LiveStreamCatalog catalog, PlaybackTokens tokens, IOptions<PlaybackOptions> options, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var (read, error) = await JsonBodies.ReadAsync<LivePlaybackRequest>(request, """{"ttlSeconds": 3600, "viewer": "..."}""", cancellationToken);
        if (error is not null)
        {
            return error;
        }
        var body = read ?? new LivePlaybackRequest(null, null);
        var (ttl, refused) = options.Value.Check(body.TtlSeconds, body.Viewer);
        if (refused is not null)
        {
            return refused;
        }
        if (await catalog.GetInProjectAsync(request.HttpContext.GetProjectId(), id) is null)
        {
            return NoStream(id);
        }
        var expiresAt = time.GetUtcNow().AddSeconds(ttl);
        var token = tokens.IssueForLive(id, expiresAt, body.Viewer);
        var (dashUrl, licenseUrl) = LiveDashEndpoints.Urls(PlaybackUrls.BaseOf(request), id, token);
        return Results.Ok(new LivePlaybackResponse(LivePlaybackUrls.Master(PlaybackUrls.BaseOf(request), id, token), token, expiresAt, dashUrl, licenseUrl));
    }

    private static IResult NoStream(string id) => Problems.NotFound($"There is no live stream '{id}': GET /v1/live-streams lists the project's streams.");
}
