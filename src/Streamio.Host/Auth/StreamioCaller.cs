using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace Streamio.Host.Auth;

/// <summary>
/// Who is calling: a project (through one of its keys, or anonymously on loopback when allowed) or the admin.
/// Read it with <see cref="CallerExtensions.GetCaller(HttpContext)"/> (HTTP) or <c>Context.User.GetCaller()</c> (SignalR).
/// </summary>
public sealed record StreamioCaller(string? ProjectId, bool IsAdmin, string? KeyId, bool IsAnonymous)
{
    internal const string ProjectClaim = "streamio:project";
    internal const string AdminClaim = "streamio:admin";
    internal const string KeyClaim = "streamio:key";
    internal const string AnonymousClaim = "streamio:anonymous";

    internal ClaimsPrincipal ToPrincipal(string scheme)
    {
        var claims = new List<Claim>();
        if (ProjectId is not null)
        {
            claims.Add(new Claim(ProjectClaim, ProjectId));
        }
        if (IsAdmin)
        {
            claims.Add(new Claim(AdminClaim, "true"));
        }
        if (KeyId is not null)
        {
            claims.Add(new Claim(KeyClaim, KeyId));
        }
        if (IsAnonymous)
        {
            claims.Add(new Claim(AnonymousClaim, "true"));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }
}

/// <summary>The seams other endpoints plug into: one line to guard a route group, one call to know the caller.</summary>
public static class CallerExtensions
{
    /// <summary>The caller, or null when the request carried no (valid) credentials.</summary>
    public static StreamioCaller? GetCaller(this ClaimsPrincipal? user)
    {
        if (user?.Identity is not { IsAuthenticated: true })
        {
            return null;
        }
        return new StreamioCaller(
            user.FindFirstValue(StreamioCaller.ProjectClaim),
            user.HasClaim(StreamioCaller.AdminClaim, "true"),
            user.FindFirstValue(StreamioCaller.KeyClaim),
            user.HasClaim(StreamioCaller.AnonymousClaim, "true"));
    }

    public static StreamioCaller? GetCaller(this HttpContext context) => context.User.GetCaller();

    /// <summary>The caller's project; only valid behind <see cref="RequireProject{TBuilder}"/>.</summary>
    public static string GetProjectId(this HttpContext context) =>
        context.GetCaller()?.ProjectId ?? throw new InvalidOperationException("GetProjectId needs the endpoint to be guarded with RequireProject().");

    /// <summary>Only the admin key passes (401 without credentials, 403 for a project key).</summary>
    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.RequireAuthorization(StreamioPolicies.Admin);

    /// <summary>Only a project caller passes: a project key, or anonymous loopback access when allowed (403 for the admin key).</summary>
    public static TBuilder RequireProject<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.RequireAuthorization(StreamioPolicies.Project);
}

public static class StreamioPolicies
{
    public const string Admin = "streamio-admin";
    public const string Project = "streamio-project";
}

/// <summary>The requirement behind <see cref="StreamioPolicies.Admin"/>.</summary>
public sealed class AdminRequirement : AuthorizationHandler<AdminRequirement>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, AdminRequirement requirement)
    {
        if (context.User.GetCaller() is { IsAdmin: true })
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}

/// <summary>The requirement behind <see cref="StreamioPolicies.Project"/>.</summary>
public sealed class ProjectRequirement : AuthorizationHandler<ProjectRequirement>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ProjectRequirement requirement)
    {
        if (context.User.GetCaller() is { ProjectId: not null })
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}
