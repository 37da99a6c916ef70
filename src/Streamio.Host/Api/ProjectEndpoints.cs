using Streamio.Abstractions.Projects;
using Streamio.Grains.Projects;
using Streamio.Host.Auth;
using Streamio.Host.Http;
using Streamio.Host.Playback;

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
        projects.MapMethods("{id}", ["PATCH"], UpdateAsync).WithSummary("Change a project's settings: playbackOrigins, mp4Downloads, forensics")
            .DescribesBody<ProjectUpdateRequest>().Produces<ProjectResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        projects.MapPut("{id}/playback-origins", SetPlaybackOriginsAsync)
            .WithSummary("Set the origins whose pages may play and embed the project's videos (empty: any origin)")
            .DescribesBody<PlaybackOriginsRequest>().Produces<ProjectResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        projects.MapDelete("{id}/keys/{keyId}", RevokeKeyAsync).WithSummary("Revoke a key at once")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken)
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
        var project = await grains.GetGrain<IProjectGrain>(ProjectIds.New()).CreateAsync(body!.Name!.Trim());
        return Results.Created($"/v1/projects/{project.Id}", ProjectResponse.From(project));
    }

    private static async Task<IResult> ListAsync(IGrainFactory grains)
    {
        var ids = await ProjectDirectory.Of(grains).ListAsync();
        var projects = await Task.WhenAll(ids.Select(id => grains.GetGrain<IProjectGrain>(id).GetAsync()));
        return Results.Ok(new ProjectList(projects.OfType<ProjectView>().OrderBy(project => project.CreatedAt).Select(ProjectResponse.From).ToList()));
    }

    private static async Task<IResult> GetAsync(string id, IGrainFactory grains) =>
        await grains.GetGrain<IProjectGrain>(id).GetAsync() is { } project ? Results.Ok(ProjectResponse.From(project)) : NoProject(id);

    private static async Task<IResult> CreateKeyAsync(string id, HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken)
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
        return await grains.GetGrain<IProjectGrain>(id).CreateKeyAsync(body?.Name?.Trim()) is { } issued
            ? Results.Created($"/v1/projects/{id}/keys/{issued.Record.Id}", CreatedKeyResponse.From(issued))
            : NoProject(id);
    }

    private static async Task<IResult> ListKeysAsync(string id, IGrainFactory grains, TimeProvider time) =>
        await grains.GetGrain<IProjectGrain>(id).GetAsync() is { } project
            ? Results.Ok(new KeyList(project.Keys.Select(key => KeyResponse.From(key, time.GetUtcNow())).ToList()))
            : NoProject(id);

    private static async Task<IResult> RotateKeyAsync(string id, string keyId, HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken)
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
        var rotation = await grains.GetGrain<IProjectGrain>(id).RotateKeyAsync(keyId, TimeSpan.FromSeconds(body?.OverlapSeconds ?? 0));
        return rotation.Outcome switch
        {
            RotationOutcome.Rotated => Results.Created($"/v1/projects/{id}/keys/{rotation.Issued!.Record.Id}", CreatedKeyResponse.From(rotation.Issued)),
            RotationOutcome.NoProject => NoProject(id),
            RotationOutcome.NoKey => Problems.NotFound($"Project '{id}' has no key '{keyId}'."),
            _ => Problems.Conflict($"Key '{keyId}' is already revoked or expired: create a new key with POST /v1/projects/{id}/keys instead."),
        };
    }

    private static async Task<IResult> RevokeKeyAsync(string id, string keyId, IGrainFactory grains) =>
        await grains.GetGrain<IProjectGrain>(id).RevokeKeyAsync(keyId) ? Results.NoContent() : Problems.NotFound($"Project '{id}' has no key '{keyId}'.");

    private static async Task<IResult> SetPlaybackOriginsAsync(string id, HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken)
    {
        const string example = """{"origins": ["https://app.example.com"]}""";
        var (body, error) = await JsonBodies.ReadAsync<PlaybackOriginsRequest>(request, example, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        if (body?.Origins is not { } origins)
        {
            return Problems.BadRequest($"origins is required: send {example} as application/json ([] lets every origin play).");
        }
        var (normalized, problem) = NormalizeOrigins(origins);
        if (problem is not null)
        {
            return problem;
        }
        return await grains.GetGrain<IProjectGrain>(id).SetPlaybackOriginsAsync(normalized!) is { } project
            ? Results.Ok(ProjectResponse.From(project))
            : NoProject(id);
    }

    private static async Task<IResult> UpdateAsync(string id, HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken)
    {
        const string example = """{"playbackOrigins": ["https://app.example.com"], "mp4Downloads": true, "forensics": true}""";
        var (body, error) = await JsonBodies.ReadAsync<ProjectUpdateRequest>(request, example, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        if (body is null || (body.PlaybackOrigins is null && body.Mp4Downloads is null && body.Forensics is null))
        {
            return Problems.BadRequest($"Nothing to change: send playbackOrigins, mp4Downloads and/or forensics as application/json, such as {example}.");
        }
        IReadOnlyList<string>? origins = null;
        if (body.PlaybackOrigins is not null)
        {
            var (normalized, problem) = NormalizeOrigins(body.PlaybackOrigins);
            if (problem is not null)
            {
                return problem;
            }
            origins = normalized;
        }
        var grain = grains.GetGrain<IProjectGrain>(id);
        ProjectView? project = null;
        if (origins is not null && (project = await grain.SetPlaybackOriginsAsync(origins)) is null)
        {
            return NoProject(id);
        }
        if (body.Mp4Downloads is { } downloads && (project = await grain.SetMp4DownloadsAsync(downloads)) is null)
        {
            return NoProject(id);
        }
        if (body.Forensics is { } forensics && (project = await grain.SetForensicsAsync(forensics)) is null)
        {
            return NoProject(id);
        }
        return Results.Ok(ProjectResponse.From(project!));
    }

    /// <summary>The origins in their canonical form, or a 400 naming the first one that is not an origin.</summary>
    private static (IReadOnlyList<string>? Origins, IResult? Problem) NormalizeOrigins(IReadOnlyList<string?> origins)
    {
        if (origins.Count > PlaybackOrigins.MaxOrigins)
        {
            return (null, Problems.BadRequest($"At most {PlaybackOrigins.MaxOrigins} origins can be allowed."));
        }
        var normalized = new List<string>();
        foreach (var origin in origins)
        {
            if (PlaybackOrigins.Normalize(origin ?? "") is not { } valid)
            {
                return (null, Problems.BadRequest(
                    $"'{origin}' is not an origin: write scheme, host and optional port only, such as https://app.example.com or http://localhost:3000."));
            }
            normalized.Add(valid);
        }
        return (normalized, null);
    }

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

/// <param name="PlaybackOrigins">Origins whose pages may play and embed the project's videos; empty: any origin.</param>
/// <param name="Mp4Downloads">Whether playback URLs of ready videos come with a signed MP4 download.</param>
/// <param name="Forensics">Whether new videos get a forensic A/B copy unless their upload says otherwise.</param>
public sealed record ProjectResponse(
    string Id, string Name, DateTimeOffset CreatedAt, int ActiveKeys, int Webhooks, IReadOnlyList<string> PlaybackOrigins, bool Mp4Downloads, bool Forensics)
{
    public static ProjectResponse From(ProjectView project) =>
        new(project.Id, project.Name, project.CreatedAt, project.Keys.Count(key => key.IsActive(DateTimeOffset.UtcNow)), project.Webhooks.Count,
            project.PlaybackOrigins, project.Mp4Downloads, project.Forensics);
}

/// <summary>PATCH /v1/projects/{id}: what is absent stays as it is.</summary>
public sealed record ProjectUpdateRequest(IReadOnlyList<string?>? PlaybackOrigins, bool? Mp4Downloads, bool? Forensics = null);

public sealed record PlaybackOriginsRequest(IReadOnlyList<string?>? Origins);

public sealed record ProjectList(IReadOnlyList<ProjectResponse> Items);

public sealed record KeyResponse(string Id, string Prefix, string? Name, string Status, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, string? ReplacedBy)
{
    public static KeyResponse From(ApiKeyView key, DateTimeOffset now) =>
        new(key.Id, key.Prefix, key.Name, key.IsActive(now) ? "active" : "revoked", key.CreatedAt, key.ExpiresAt, key.RevokedAt, key.ReplacedBy);
}

public sealed record KeyList(IReadOnlyList<KeyResponse> Items);

/// <summary>The only answer that ever contains the key itself.</summary>
public sealed record CreatedKeyResponse(string Id, string Prefix, string? Name, DateTimeOffset CreatedAt, string Key)
{
    public static CreatedKeyResponse From(IssuedKey issued) => new(issued.Record.Id, issued.Record.Prefix, issued.Record.Name, issued.Record.CreatedAt, issued.Key);
}
