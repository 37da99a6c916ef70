using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Streamio.Host.Auth;

/// <summary>
/// The authentication scheme: the key comes from <c>x-api-key</c>, <c>Authorization: Bearer</c>, or, for SignalR hubs
/// under /hubs only (browsers cannot set headers on WebSockets), the <c>access_token</c> query parameter.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyAuthenticator authenticator)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "StreamioKey";
    public const string HeaderName = "x-api-key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var outcome = await authenticator.AuthenticateAsync(ReadKey(Request), Context.Connection.RemoteIpAddress, Context.RequestAborted);
        Context.Features.Set(outcome);
        return outcome.Caller is { } caller
            ? AuthenticateResult.Success(new AuthenticationTicket(caller.ToPrincipal(SchemeName), SchemeName))
            : outcome.Failure == AuthFailure.Missing ? AuthenticateResult.NoResult() : AuthenticateResult.Fail(ApiKeyAuthenticator.Explain(outcome.Failure));
    }

    private static string? ReadKey(HttpRequest request)
    {
        if (request.Headers[HeaderName].FirstOrDefault() is { Length: > 0 } headerKey)
        {
            return headerKey.Trim();
        }
        if (request.Headers.Authorization.FirstOrDefault() is { } authorization
            && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }
        return request.Path.StartsWithSegments("/hubs") ? request.Query["access_token"].FirstOrDefault() : null;
    }
}
