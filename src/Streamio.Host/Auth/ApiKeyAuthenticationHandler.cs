using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Streamio.Host.Auth;

/// <summary>
/// The authentication scheme: the key comes from <c>x-api-key</c>, <c>Authorization: Bearer</c>, or, for SignalR hubs
/// under /hubs only (browsers cannot set headers on WebSockets), the <c>access_token</c> query parameter; for the
/// Orleans dashboard only (a page a browser opens itself), HTTP Basic credentials with the key as the password, which
/// the browser asks for.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyAuthenticator authenticator)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "StreamioKey";
    public const string HeaderName = "x-api-key";

    /// <summary>Where the Orleans dashboard is served (admins only).</summary>
    public const string DashboardPath = "/dashboard";

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
        if (request.Path.StartsWithSegments(DashboardPath) && BasicPassword(request.Headers.Authorization.FirstOrDefault()) is { } password)
        {
            return password;
        }
        return request.Path.StartsWithSegments("/hubs") ? request.Query["access_token"].FirstOrDefault() : null;
    }

    /// <summary>The password of <c>Authorization: Basic base64(user:password)</c>; the user name is ignored.</summary>
    private static string? BasicPassword(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        try
        {
            var credentials = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim()));
            return credentials.IndexOf(':') is var colon and >= 0 ? credentials[(colon + 1)..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
