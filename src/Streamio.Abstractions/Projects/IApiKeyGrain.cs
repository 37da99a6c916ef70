namespace Streamio.Abstractions.Projects;

/// <summary>
/// The API-key lookup (key: a key's public prefix): which project and key a presented key claims to be. Written once by
/// the project grain when it issues the key; the key itself is checked by that project grain.
/// </summary>
public interface IApiKeyGrain : IGrainWithStringKey
{
    /// <summary>Points the prefix at <paramref name="location"/>; false when the prefix already belongs to another key.</summary>
    Task<bool> ClaimAsync(ApiKeyLocation location);

    [ReadOnly]
    Task<ApiKeyLocation?> GetAsync();
}

[GenerateSerializer, Immutable]
public sealed record ApiKeyLocation(string ProjectId, string KeyId);
