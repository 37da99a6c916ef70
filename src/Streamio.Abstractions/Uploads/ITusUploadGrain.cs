namespace Streamio.Abstractions.Uploads;

/// <summary>
/// One resumable (tus) upload (key: upload id): its length, offset, metadata and expiry, so any API node can answer for
/// it and it outlives a restart. The bytes are parts in object storage. Each method is one guarded transition.
/// </summary>
public interface ITusUploadGrain : IGrainWithStringKey
{
    /// <summary>Creates the upload and lists it for the sweeper. Throws when the id is taken.</summary>
    Task<TusUploadView> CreateAsync(NewTusUpload upload);

    [ReadOnly]
    Task<TusUploadView?> GetAsync();

    /// <summary>
    /// Moves the offset from <paramref name="from"/> to <paramref name="to"/> once the bytes in between are stored, and
    /// extends the expiry. Refused when another request moved it first, or the upload expired or was terminated meanwhile.
    /// </summary>
    Task<AdvanceResult> AdvanceAsync(long from, long to, DateTimeOffset now, DateTimeOffset expiresAt);

    /// <summary>Records that the video exists; the upload stays (until it expires) so clients can look the video id up. False unless full and not yet completed.</summary>
    Task<bool> MarkCompletedAsync(DateTimeOffset expiresAt);

    /// <summary>Removes the upload (termination); returns what it was, or null when there was none.</summary>
    Task<TusUploadView?> DeleteAsync();

    /// <summary>
    /// Removes the upload only if it has expired by <paramref name="now"/> (a sweeper on another node may race a PATCH).
    /// An upload that does not exist takes itself off the directory (a crash may have left it listed) and answers false.
    /// </summary>
    Task<bool> DeleteIfExpiredAsync(DateTimeOffset now);
}

/// <summary>The ids of the tus uploads that exist (a single grain, key <see cref="TusUploadDirectory.Key"/>), so the sweeper walks them without reading storage.</summary>
public interface ITusUploadDirectoryGrain : IGrainWithIntegerKey
{
    Task AddAsync(string uploadId);

    Task RemoveAsync(string uploadId);

    /// <summary>Upload ids, oldest first.</summary>
    [ReadOnly]
    Task<IReadOnlyList<string>> ListAsync();
}

public static class TusUploadDirectory
{
    public const long Key = 0;

    public static ITusUploadDirectoryGrain Of(IGrainFactory grains) => grains.GetGrain<ITusUploadDirectoryGrain>(Key);
}

/// <param name="Length">The total size the client declared (Upload-Length).</param>
/// <param name="Metadata">The Upload-Metadata header as the client sent it (echoed back on HEAD).</param>
/// <param name="VideoId">Reserved at creation, so finishing twice (a retry after a crash) creates the same video once.</param>
[GenerateSerializer, Immutable]
public sealed record NewTusUpload(
    string ProjectId, long Length, string? Metadata, string? FileName, string? Title, string VideoId, DateTimeOffset ExpiresAt);

/// <param name="Offset">Bytes received and stored so far; only ever grows, and only by a stored part.</param>
/// <param name="Completed">True once the video exists: the upload is then only a record of which video it became.</param>
[GenerateSerializer, Immutable]
public sealed record TusUploadView(
    string Id,
    string ProjectId,
    long Length,
    long Offset,
    string? Metadata,
    string? FileName,
    string? Title,
    string VideoId,
    DateTimeOffset ExpiresAt,
    bool Completed)
{
    public bool IsFull => Offset == Length;

    public bool IsExpired(DateTimeOffset now) => now >= ExpiresAt;
}

/// <summary>What became of an attempt to move an upload's offset forward.</summary>
[GenerateSerializer]
public enum AdvanceOutcome
{
    Advanced,
    Missing,
    Expired,
    OffsetMoved,
}

[GenerateSerializer, Immutable]
public sealed record AdvanceResult(AdvanceOutcome Outcome, TusUploadView? Upload);
