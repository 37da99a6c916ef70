namespace Streamio.Abstractions.Videos;

/// <summary>A position in a project's newest-first listing: the last video a page returned.</summary>
[GenerateSerializer, Immutable]
public sealed record VideoIndexCursor(int Bucket, long CreatedAtMs, string VideoId);

[GenerateSerializer, Immutable]
public sealed record VideoIndexPage(IReadOnlyList<string> VideoIds, VideoIndexCursor? Next);

/// <summary>
/// A project's video listing (key: project id): a chain of fixed-size buckets, newest last, so adding a video or reading
/// a page touches one or two buckets whatever the project holds.
/// </summary>
public interface IProjectVideosGrain : IGrainWithStringKey
{
    /// <summary>Adds the video (idempotent) and returns the bucket it went into.</summary>
    Task<int> AddAsync(string videoId, DateTimeOffset createdAt);

    Task RemoveAsync(string videoId, int bucket);

    /// <summary>Up to <paramref name="limit"/> video ids, newest first, after <paramref name="after"/>.</summary>
    [ReadOnly]
    Task<VideoIndexPage> PageAsync(VideoIndexCursor? after, int limit);
}

/// <summary>One bucket of a project's listing (key: "{projectId}/{bucket}"), its entries in creation order.</summary>
public interface IVideoIndexBucketGrain : IGrainWithStringKey
{
    /// <summary>False when the bucket is full and the video belongs in the next one.</summary>
    Task<bool> TryAddAsync(string videoId, DateTimeOffset createdAt, int capacity);

    Task RemoveAsync(string videoId);

    /// <summary>Entries older than the cursor position (all when null), newest first, at most <paramref name="limit"/>.</summary>
    [ReadOnly]
    Task<IReadOnlyList<VideoIndexEntry>> OlderThanAsync(long? createdAtMs, string? videoId, int limit);
}

[GenerateSerializer, Immutable]
public sealed record VideoIndexEntry(string VideoId, long CreatedAtMs);
