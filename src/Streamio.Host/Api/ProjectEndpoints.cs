using Streamio.Grains.Projects;
using Streamio.Host.Auth;

namespace Streamio.Host.Api;

/// <summary>Admin-only: projects and their API keys (a key is shown once, when it is created or rotated).</summary>
public static class ProjectEndpoints
{
    private const int MaxOverlapSeconds = 7 * 24 * 3600;

    public static IEndpointRouteBuilder MapProjectEndpoints(this IEndpointRouteBuilder app)
    {
        var projects = app.MapGroup("/v1/projects").RequireAdmin().WithTags("Projects (admin)").ProducesCallerProblems();
        projects.MapPost("", CreateAsync).WithSummary("Create a project")
            .DescribesBody<NameRequest>().Produces<ProjectResponse>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest);
        projects.MapGet("", ListAsync).WithSummary("List projects").Produces<ProjectList>();
        projects.MapGet("{id}", GetAsync).WithSummary("Read a project").Produces<ProjectResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        projects.MapPost("{id}/keys", CreateKeyAsync).WithSummary("Create an API key (the key is in this answer only)")
            .DescribesBody<NameRequest>().Produces<CreatedKeyResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        projects.MapGet("{id}/keys", ListKeysAsync).WithSummary("List a project's keys (prefixes and status, never the keys)")
            .Produces<KeyList>().ProducesProblem(StatusCodes.Status404NotFound);
        projects.MapPost("{id}/keys/{keyId}/rotate", RotateKeyAsync).WithSummary("Replace a key; the old one works for overlapSeconds more")
            .DescribesBody<RotateRequest>().Produces<CreatedKeyResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        projects.MapDelete("{id}/keys/{keyId}", RevokeKeyAsync).WithSummary("Revoke a key at once")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, ProjectGrain projects, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBodies.ReadAsync<NameRequest>(request, """{"name": "My app"}""", cancellationToken);
        if (error is not null)
        {
            return error;
        }
        if (NameProblem(body?.Name, required: true) is { } bad)
        {
            return bad;
        }
        var project = await projects.CreateAsync(ProjectIds.New(), body!.Name!.Trim(), cancellationToken);
        return Results.Created($"/v1/projects/{project.Id}", ProjectResponse.From(project));
    }

    private static async Task<IResult> ListAsync(ProjectGrain projects, CancellationToken cancellationToken) =>
        Results.Ok(new ProjectList((await projects.ListAsync(cancellationToken)).Select(ProjectResponse.From).ToList()));

    private static async Task<IResult> GetAsync(string id, ProjectGrain projects, CancellationToken cancellationToken) =>
        await projects.ReadAsync(id, cancellationToken) is { } project ? Results.Ok(ProjectResponse.From(project)) : NoProject(id);

    private static async Task<IResult> CreateKeyAsync(string id, HttpRequest request, ProjectGrain projects, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBodies.ReadAsync<NameRequest>(request, """{"name": "production"}""", cancellationToken);
        if (error is not null)
        {
            return error;
        }
        if (NameProblem(body?.Name, required: false) is { } bad)
        {
            return bad;
        }
        return await projects.CreateKeyAsync(id, body?.Name?.Trim(), cancellationToken) is { } issued
            ? Results.Created($"/v1/projects/{id}/keys/{issued.Record.Id}", CreatedKeyResponse.From(issued))
            : NoProject(id);
    }

    private static async Task<IResult> ListKeysAsync(string id, ProjectGrain projects, TimeProvider time, CancellationToken cancellationToken) =>
        await projects.ReadAsync(id, cancellationToken) is { } project
            ? Results.Ok(new KeyList(project.Keys.Select(key => KeyResponse.From(key, time.GetUtcNow())).ToList()))
            : NoProject(id);

    private static async Task<IResult> RotateKeyAsync(
        string id, string keyId, HttpRequest request, ProjectGrain projects, TimeProvider time, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBodies.ReadAsync<RotateRequest>(request, """{"overlapSeconds": 3600}""", cancellationToken);
        if (error is not null)
        {
            return error;
        }
        if (body?.OverlapSeconds is < 0 or > MaxOverlapSeconds)
        {
            return Problems.BadRequest($"overlapSeconds must be between 0 (revoke the old key at once) and {MaxOverlapSeconds} (7 days).");
        }
        if (await projects.ReadAsync(id, cancellationToken) is not { } project)
        {
            return NoProject(id);
        }
        if (project.Key(keyId) is not { } key)
        {
            return Problems.NotFound($"Project '{id}' has no key '{keyId}'.");
        }
        if (!key.IsActive(time.GetUtcNow()))
        {
            return Problems.Conflict($"Key '{keyId}' is already revoked or expired: create a new key with POST /v1/projects/{id}/keys instead.");
        }
        var overlap = TimeSpan.FromSeconds(body?.OverlapSeconds ?? 0);
        return await projects.RotateKeyAsync(id, keyId, overlap, cancellationToken) is { } issued
            ? Results.Created($"/v1/projects/{id}/keys/{issued.Record.Id}", CreatedKeyResponse.From(issued))
            : Problems.Conflict($"Key '{keyId}' was revoked or rotated meanwhile; list the keys and try again.");
    }

    private static async Task<IResult> RevokeKeyAsync(string id, string keyId, ProjectGrain projects, CancellationToken cancellationToken) =>
        await projects.RevokeKeyAsync(id, keyId, cancellationToken) ? Results.NoContent() : Problems.NotFound($"Project '{id}' has no key '{keyId}'.");

    private static IResult? NameProblem(string? name, bool required) => name?.Trim() switch
    {
        null or "" when required => Problems.BadRequest("name is required: send {\"name\": \"My app\"} as application/json."),
        { Length: > 100 } => Problems.BadRequest("name must be at most 100 characters."),
        _ => null,
    };

    private static IResult NoProject(string id) => Problems.NotFound($"There is no project '{id}'. List projects with GET /v1/projects.");
}

public sealed record NameRequest(string? Name);

public sealed record RotateRequest(int? OverlapSeconds);

public sealed record ProjectResponse(string Id, string Name, DateTimeOffset CreatedAt, int ActiveKeys, int Webhooks)
{
    public static ProjectResponse From(ProjectState project) =>
        new(project.Id, project.Name, project.CreatedAt, project.Keys.Count(key => key.IsActive(DateTimeOffset.UtcNow)), project.Webhooks.Count);
}

public sealed record ProjectList(IReadOnlyList<ProjectResponse> Items);

public sealed record KeyResponse(string Id, string Prefix, string? Name, string Status, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, string? ReplacedBy)
{
    public static KeyResponse From(ApiKeyRecord key, DateTimeOffset now) =>
        new(key.Id, key.Prefix, key.Name, key.IsActive(now) ? "active" : "revoked", key.CreatedAt, key.ExpiresAt, key.RevokedAt, key.ReplacedBy);
}

public sealed record KeyList(IReadOnlyList<KeyResponse> Items);

/// <summary>The only answer that ever contains the key itself.</summary>
public sealed record CreatedKeyResponse(string Id, string Prefix, string? Name, DateTimeOffset CreatedAt, string Key)
{
    public static CreatedKeyResponse From(IssuedKey issued) => new(issued.Record.Id, issued.Record.Prefix, issued.Record.Name, issued.Record.CreatedAt, issued.Key);
}
