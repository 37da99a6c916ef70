using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Streamio.Host.Http;

namespace Streamio.Host.Auth;

/// <summary>Refusals as problem+json: 401 says how to authenticate (or why the key failed), 403 says which key is needed.</summary>
public sealed class AuthorizationProblems : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        // An anonymous (loopback) caller sent no credentials at all: tell it how to authenticate rather than "forbidden".
        if (authorizeResult.Challenged || authorizeResult.Forbidden && context.GetCaller() is { IsAnonymous: true })
        {
            var failure = context.Features.Get<AuthOutcome>()?.Failure ?? AuthFailure.Missing;
            // The dashboard is a page: a Basic challenge makes the browser ask for the admin key.
            context.Response.Headers.WWWAuthenticate = context.Request.Path.StartsWithSegments(ApiKeyAuthenticationHandler.DashboardPath)
                ? "Basic realm=\"Streamio Orleans dashboard (password: the admin key)\", charset=\"UTF-8\""
                : "Bearer";
            await Problems.Unauthorized(ApiKeyAuthenticator.Explain(failure)).ExecuteAsync(context);
            return;
        }
        if (authorizeResult.Forbidden)
        {
            var needsAdmin = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<AdminRequirement>().Any() == true;
            await Problems.Forbidden(needsAdmin
                ? "This endpoint needs the admin key (Streamio:Auth:AdminKey); a project key cannot manage projects or the cluster."
                : "This endpoint acts inside a project: send a project API key. The admin key only manages projects.").ExecuteAsync(context);
            return;
        }
        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
