using Streamio.Abstractions.Videos;
using Streamio.Grains.Videos;

namespace Streamio.Grains.Tests.Videos;

/// <summary>A project's listing across bucket boundaries: newest first, every video once, removals honoured.</summary>
[Collection(VideoClusterCollection.Name)]
public sealed class VideoListingTests(VideoClusterFixture fixture)
{
    [Fact]
    public async Task Pages_run_newest_first_across_buckets_without_gaps_or_repeats()
    {
        var projectId = $"p_{Guid.NewGuid():N}";
        var listing = fixture.Grains.GetGrain<IProjectVideosGrain>(projectId);
        var start = DateTimeOffset.UnixEpoch.AddDays(20000);
        var total = ProjectVideosGrain.BucketCapacity + 30;
        var buckets = new HashSet<int>();
        for (var i = 0; i < total; i++)
        {
            buckets.Add(await listing.AddAsync($"v_{i:D5}", start.AddSeconds(i)));
        }
        Assert.Equal(2, buckets.Count);
        await listing.RemoveAsync("v_00500", 0);

        var seen = new List<string>();
        VideoIndexCursor? cursor = null;
        do
        {
            var page = await listing.PageAsync(cursor, 100);
            seen.AddRange(page.VideoIds);
            cursor = page.Next;
        }
        while (cursor is not null);

        var expected = Enumerable.Range(0, total).Reverse().Where(i => i != 500).Select(i => $"v_{i:D5}").ToList();
        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task Adding_the_same_video_twice_lists_it_once()
    {
        var listing = fixture.Grains.GetGrain<IProjectVideosGrain>($"p_{Guid.NewGuid():N}");
        await listing.AddAsync("v_a", DateTimeOffset.UnixEpoch.AddDays(1));
        await listing.AddAsync("v_a", DateTimeOffset.UnixEpoch.AddDays(1));
        Assert.Equal(["v_a"], (await listing.PageAsync(null, 10)).VideoIds);
    }
}
