namespace Streamio.Abstractions.Uploads;

/// <summary>
/// An upload intent (key: upload id): a client was handed a URL to put one object at a key. Completing it creates the
/// video chosen up front, so a repeated completion finds the same video instead of making another.
/// </summary>
public interface IUploadGrain : IGrainWithStringKey
{
    /// <summary>Creates the intent and claims its object key. Throws when the id is taken or the key belongs to another upload.</summary>
    Task<UploadView> CreateAsync(NewUpload upload);

    [ReadOnly]
    Task<UploadView?> GetAsync();

    /// <summary>pending → completed; false when it was completed already (or there is no such upload).</summary>
    Task<bool> MarkCompletedAsync();
}

/// <summary>
/// Object key → upload (key: the object key): S3 event notifications name only the key. Written once, by the upload that
/// claims the key; it never calls the upload grain back.
/// </summary>
public interface IUploadKeyGrain : IGrainWithStringKey
{
    /// <summary>Points the key at <paramref name="uploadId"/>; false when another upload holds it (the same upload again is fine).</summary>
    Task<bool> ClaimAsync(string uploadId);

    /// <summary>The upload id that owns the key, or null.</summary>
    [ReadOnly]
    Task<string?> GetAsync();
}

[GenerateSerializer]
public enum UploadStatus
{
    Pending,
    Completed,
}

/// <param name="DeclaredBytes">The size the client announced, if any; the stored object must not be larger.</param>
/// <param name="ExpiresAt">When the upload URL stops working.</param>
/// <param name="WithLogo">Whether the video will carry its project's logo.</param>
[GenerateSerializer, Immutable]
public sealed record NewUpload(
    string ProjectId, string VideoId, string Key, string? Title, string? ContentType, long? DeclaredBytes, DateTimeOffset ExpiresAt, bool WithLogo = true);

[GenerateSerializer, Immutable]
public sealed record UploadView(
    string Id,
    string ProjectId,
    string VideoId,
    string Key,
    string? Title,
    string? ContentType,
    long? DeclaredBytes,
    DateTimeOffset ExpiresAt,
    UploadStatus Status,
    DateTimeOffset? CompletedAt,
    bool WithLogo = true);

public static class UploadLookup
{
    /// <summary>The upload whose object lives at <paramref name="key"/>, if any (two calls: the index, then the upload).</summary>
    public static async Task<UploadView?> FindByKeyAsync(this IGrainFactory grains, string key) =>
        await grains.GetGrain<IUploadKeyGrain>(key).GetAsync() is { } uploadId
            ? await grains.GetGrain<IUploadGrain>(uploadId).GetAsync()
            : null;
}
