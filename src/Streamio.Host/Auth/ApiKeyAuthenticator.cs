using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Streamio.Abstractions.Projects;
using Streamio.Grains.Projects;

namespace Streamio.Host.Auth;

/// <summary>Why a request has no caller; each answer tells the client what to do.</summary>
public enum AuthFailure
{
    Missing,
    Invalid,
    Revoked,
}

public sealed record AuthOutcome(StreamioCaller? Caller, AuthFailure Failure);

/// <summary>
/// Turns the key a request presents (or its absence) into a caller: the admin, a project, or nobody, and why. A project
/// key is found by its public prefix (the key-lookup grain) and checked by its project's grain, which holds its hash.
/// </summary>
public sealed class ApiKeyAuthenticator(IOptions<AuthOptions> options, IGrainFactory grains)
{
    private readonly byte[]? _adminHash = string.IsNullOrEmpty(options.Value.AdminKey) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.AdminKey));

    public async Task<AuthOutcome> AuthenticateAsync(string? key, IPAddress? remote, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(key))
        {
            return options.Value.AllowAnonymous && IsLoopback(remote)
                ? new AuthOutcome(new StreamioCaller(ProjectIds.Default, IsAdmin: false, KeyId: null, IsAnonymous: true), default)
                : new AuthOutcome(null, AuthFailure.Missing);
        }
        // Hashing both sides makes the comparison constant-time whatever the lengths.
        if (_adminHash is not null && CryptographicOperations.FixedTimeEquals(_adminHash, SHA256.HashData(Encoding.UTF8.GetBytes(key))))
        {
            return new AuthOutcome(new StreamioCaller(null, IsAdmin: true, KeyId: null, IsAnonymous: false), default);
        }
        if (ApiKeys.PrefixOf(key) is not { } prefix
            || await grains.GetGrain<IApiKeyGrain>(prefix).GetAsync().WaitAsync(cancellationToken) is not { } location)
        {
            return new AuthOutcome(null, AuthFailure.Invalid);
        }
        return await grains.GetGrain<IProjectGrain>(location.ProjectId).CheckKeyAsync(location.KeyId, ApiKeys.Hash(key)).WaitAsync(cancellationToken) switch
        {
            KeyCheck.Valid => new AuthOutcome(new StreamioCaller(location.ProjectId, IsAdmin: false, location.KeyId, IsAnonymous: false), default),
            KeyCheck.Revoked => new AuthOutcome(null, AuthFailure.Revoked),
            _ => new AuthOutcome(null, AuthFailure.Invalid),
        };
    }

    public static string Explain(AuthFailure failure) => failure switch
    {
        AuthFailure.Invalid => "The API key is not valid. Send the whole key as created (it starts with 'sk_'), or ask an admin for a new one with POST /v1/projects/{id}/keys.",
        AuthFailure.Revoked => "The API key was revoked, or replaced by a rotation whose overlap has ended. Use the project's current key.",
        _ => "This endpoint needs an API key. Send it in the 'x-api-key' header or as 'Authorization: Bearer <key>'. An admin creates keys with POST /v1/projects/{id}/keys.",
    };

    private static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
