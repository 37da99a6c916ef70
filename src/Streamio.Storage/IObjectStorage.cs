namespace Streamio.Storage;

/// <summary>
/// Where sources, segments and images live. Keys are '/'-separated paths built by Streamio, never by clients.
/// The local disk backs embedded mode; S3 backs cluster mode.
/// </summary>
public interface IObjectStorage
{
    /// <summary>Streams <paramref name="content"/> to <paramref name="key"/>; the object appears whole or not at all.</summary>
    Task<long> PutAsync(string key, Stream content, CancellationToken cancellationToken);

    /// <summary>Opens an object for reading, or returns null when it does not exist.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken);

    /// <summary>The object's size in bytes, or null when it does not exist.</summary>
    async Task<long?> GetSizeAsync(string key, CancellationToken cancellationToken)
    {
        await using var content = await OpenReadAsync(key, cancellationToken);
        return content?.Length;
    }

    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes every object whose key starts with <paramref name="prefix"/>.</summary>
    Task DeletePrefixAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Keys under <paramref name="prefix"/>, in ordinal order.</summary>
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>How FFmpeg reads the object: a local path (protocol "file") or a short-lived URL.</summary>
    Task<StorageReadLocation> LocateForReadingAsync(string key, TimeSpan validFor, CancellationToken cancellationToken);

    /// <summary>True when the backend answers (readiness).</summary>
    Task<bool> IsReachableAsync(CancellationToken cancellationToken);
}

/// <summary>A location FFmpeg can read, with the protocols that location needs.</summary>
public sealed record StorageReadLocation(string Location, IReadOnlyList<string> Protocols);
