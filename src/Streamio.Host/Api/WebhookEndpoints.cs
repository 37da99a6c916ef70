using Streamio.Abstractions.Live;
using Streamio.Abstractions.Projects;
using Streamio.Abstractions.Videos;
using Streamio.Host.Auth;
using Streamio.Host.Http;

namespace Streamio.Host.Api;

/// <summary>The caller's project's webhooks and their delivery logs (the signing secret is shown once, at registration).</summary>
public static class WebhookEndpoints
{
    /// <summary>What a webhook may subscribe to: the videos' events and the live streams'.</summary>
    public static readonly IReadOnlyList<string> AllEvents = [.. VideoEventTypes.All, .. LiveEventTypes.All];

    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        var webhooks = app.MapGroup("/v1/webhooks").RequireProject().WithTags("Webhooks").ProducesCallerProblems();
        webhooks.MapPost("", CreateAsync).WithSummary("Register a webhook (the signing secret is in this answer only)")
            .DescribesBody<WebhookRequest>().Produces<CreatedWebhookResponse>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest);
        webhooks.MapGet("", ListAsync).WithSummary("List the project's webhooks").Produces<WebhookList>();
        webhooks.MapGet("{id}", GetAsync).WithSummary("Read a webhook").Produces<WebhookResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        webhooks.MapDelete("{id}", DeleteAsync).WithSummary("Delete a webhook and its delivery log")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        webhooks.MapGet("{id}/deliveries", DeliveriesAsync).WithSummary("The webhook's deliveries, newest first")
            .Produces<DeliveryList>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpContext context, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var example = """{"url": "https://example.com/hooks/streamio", "events": ["video.ready"]}""";
        var (body, error) = await JsonBodies.ReadAsync<WebhookRequest>(context.Request, example, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        if (body?.Url is null || !Uri.TryCreate(body.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || body.Url.Length > 2000)
        {
            return Problems.BadRequest($"url must be an absolute http or https URL (at most 2000 characters): send {example}.");
        }
        var events = body.Events is { Count: > 0 } chosen ? chosen.Distinct().ToList() : [.. AllEvents];
        if (events.FirstOrDefault(type => !AllEvents.Contains(type)) is { } unknown)
        {
            return Problems.BadRequest($"'{unknown}' is not a webhook event; choose from {string.Join(", ", AllEvents)} (or omit events for all).");
        }
        var projectId = context.GetProjectId();
        return await grains.GetGrain<IProjectGrain>(projectId).AddWebhookAsync(url.AbsoluteUri, events) is { } created
            ? Results.Created($"/v1/webhooks/{created.Webhook.Id}", CreatedWebhookResponse.From(created))
            : Problems.NotFound($"Project '{projectId}' no longer exists.");
    }

    private static async Task<IResult> ListAsync(HttpContext context, IGrainFactory grains) =>
        Results.Ok(new WebhookList((await grains.GetGrain<IProjectGrain>(context.GetProjectId()).GetAsync())?.Webhooks.Select(WebhookResponse.From).ToList() ?? []));

    private static async Task<IResult> GetAsync(string id, HttpContext context, IGrainFactory grains) =>
        await FindAsync(id, context, grains) is { } webhook ? Results.Ok(WebhookResponse.From(webhook)) : NoWebhook(id);

    private static async Task<IResult> DeleteAsync(string id, HttpContext context, IGrainFactory grains) =>
        await grains.GetGrain<IProjectGrain>(context.GetProjectId()).RemoveWebhookAsync(id) ? Results.NoContent() : NoWebhook(id);

    private static async Task<IResult> DeliveriesAsync(string id, int? limit, HttpContext context, IGrainFactory grains)
    {
        if (limit is < 1 or > 500)
        {
            return Problems.BadRequest("limit must be between 1 and 500.");
        }
        if (await FindAsync(id, context, grains) is null)
        {
            return NoWebhook(id);
        }
        var items = await grains.GetGrain<IWebhookDeliveryGrain>(id).ListAsync(limit ?? 100);
        return Results.Ok(new DeliveryList(items.Select(DeliveryResponse.From).ToList()));
    }

    /// <summary>The webhook, when the caller's project has it (another project's is as absent as a missing one).</summary>
    private static async Task<WebhookView?> FindAsync(string id, HttpContext context, IGrainFactory grains) =>
        (await grains.GetGrain<IProjectGrain>(context.GetProjectId()).GetAsync())?.Webhook(id);

    private static IResult NoWebhook(string id) => Problems.NotFound($"There is no webhook '{id}'. List them with GET /v1/webhooks.");
}

public sealed record WebhookRequest(string? Url, List<string>? Events);

public sealed record WebhookResponse(string Id, string Url, IReadOnlyList<string> Events, DateTimeOffset CreatedAt)
{
    public static WebhookResponse From(WebhookView webhook) => new(webhook.Id, webhook.Url, webhook.Events, webhook.CreatedAt);
}

/// <summary>The only answer that ever contains the signing secret.</summary>
public sealed record CreatedWebhookResponse(string Id, string Url, IReadOnlyList<string> Events, DateTimeOffset CreatedAt, string Secret)
{
    public static CreatedWebhookResponse From(CreatedWebhook created) =>
        new(created.Webhook.Id, created.Webhook.Url, created.Webhook.Events, created.Webhook.CreatedAt, created.Secret);
}

public sealed record WebhookList(IReadOnlyList<WebhookResponse> Items);

public sealed record DeliveryResponse(
    string EventId, string EventType, string VideoId, string Status, int Attempts, int? ResponseCode, string? LastError,
    DateTimeOffset CreatedAt, DateTimeOffset? LastAttemptAt, DateTimeOffset? NextAttemptAt, DateTimeOffset? DeliveredAt)
{
    public static DeliveryResponse From(WebhookDeliveryView delivery) => new(
        delivery.EventId, delivery.EventType, delivery.VideoId, delivery.Status, delivery.Attempts, delivery.ResponseCode, delivery.LastError,
        delivery.CreatedAt, delivery.LastAttemptAt, delivery.NextAttemptAt, delivery.DeliveredAt);
}

public sealed record DeliveryList(IReadOnlyList<DeliveryResponse> Items);
