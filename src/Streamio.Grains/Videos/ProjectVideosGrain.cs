using Streamio.Abstractions.Videos;

namespace Streamio.Grains.Videos;

/// <summary>
/// A project's newest-first listing (key: project id). It only knows which bucket is the newest; the entries live in
/// fixed-size bucket grains, so neither adding a video nor reading a page grows with the project.
/// </summary>
public sealed class ProjectVideosGrain([PersistentState("listing", GrainStorage.Name)] IPersistentState<ProjectVideosState> store)
    : Grain, IProjectVideosGrain
{
    public const int BucketCapacity = 1000;

    public async Task<int> AddAsync(string videoId, DateTimeOffset createdAt)
    {
        while (!await Bucket(store.State.NewestBucket).TryAddAsync(videoId, createdAt, BucketCapacity))
        {
            store.State.NewestBucket++;
            await store.WriteStateAsync();
        }
        return store.State.NewestBucket;
    }

    public Task RemoveAsync(string videoId, int bucket) => Bucket(bucket).RemoveAsync(videoId);

    public async Task<VideoIndexPage> PageAsync(VideoIndexCursor? after, int limit)
    {
        var bucket = after?.Bucket ?? store.State.NewestBucket;
        var (createdAtMs, videoId) = (after?.CreatedAtMs, after?.VideoId);
        var found = new List<(int Bucket, VideoIndexEntry Entry)>();
        // One more than asked tells whether there is a next page.
        while (bucket >= 0 && found.Count <= limit)
        {
            var entries = await Bucket(bucket).OlderThanAsync(createdAtMs, videoId, limit + 1 - found.Count);
            found.AddRange(entries.Select(entry => (bucket, entry)));
            (createdAtMs, videoId) = (null, null);
            bucket--;
        }
        var page = found.Take(limit).ToList();
        var next = found.Count > limit ? new VideoIndexCursor(page[^1].Bucket, page[^1].Entry.CreatedAtMs, page[^1].Entry.VideoId) : null;
        return new VideoIndexPage(page.Select(item => item.Entry.VideoId).ToList(), next);
    }

    private IVideoIndexBucketGrain Bucket(int bucket) => GrainFactory.GetGrain<IVideoIndexBucketGrain>($"{this.GetPrimaryKeyString()}/{bucket}");
}

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class ProjectVideosState
{
    public int NewestBucket { get; set; }
}

/// <summary>One bucket of a project's listing: its entries sorted by (creation time, id).</summary>
public sealed class VideoIndexBucketGrain([PersistentState("bucket", GrainStorage.Name)] IPersistentState<VideoIndexBucketState> store)
    : Grain, IVideoIndexBucketGrain
{
    private static readonly IComparer<VideoIndexEntry> Order = Comparer<VideoIndexEntry>.Create((a, b) =>
        a.CreatedAtMs != b.CreatedAtMs ? a.CreatedAtMs.CompareTo(b.CreatedAtMs) : string.CompareOrdinal(a.VideoId, b.VideoId));

    private List<VideoIndexEntry> Entries => store.State.Entries;

    public async Task<bool> TryAddAsync(string videoId, DateTimeOffset createdAt, int capacity)
    {
        if (Entries.Any(entry => entry.VideoId == videoId))
        {
            return true;
        }
        if (Entries.Count >= capacity)
        {
            return false;
        }
        var entry = new VideoIndexEntry(videoId, createdAt.ToUnixTimeMilliseconds());
        var position = Entries.BinarySearch(entry, Order);
        Entries.Insert(position < 0 ? ~position : position, entry);
        await store.WriteStateAsync();
        return true;
    }

    public async Task RemoveAsync(string videoId)
    {
        if (Entries.RemoveAll(entry => entry.VideoId == videoId) > 0)
        {
            await store.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<VideoIndexEntry>> OlderThanAsync(long? createdAtMs, string? videoId, int limit)
    {
        var end = Entries.Count;
        if (createdAtMs is { } at && videoId is not null)
        {
            var position = Entries.BinarySearch(new VideoIndexEntry(videoId, at), Order);
            end = position < 0 ? ~position : position;
        }
        var page = new List<VideoIndexEntry>();
        for (var i = end - 1; i >= 0 && page.Count < limit; i--)
        {
            page.Add(Entries[i]);
        }
        return Task.FromResult<IReadOnlyList<VideoIndexEntry>>(page);
    }
}

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class VideoIndexBucketState
{
    public List<VideoIndexEntry> Entries { get; set; } = [];
}
