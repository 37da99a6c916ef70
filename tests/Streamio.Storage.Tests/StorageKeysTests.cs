namespace Streamio.Storage.Tests;

/// <summary>Where a video's objects live: all under its project, and never outside it whatever an id contains.</summary>
public sealed class StorageKeysTests
{
    [Fact]
    public void Every_key_of_a_video_lives_under_its_project_and_video_prefix()
    {
        var prefix = StorageKeys.VideoPrefix("p_1", "v_1");
        Assert.Equal("projects/p_1/videos/v_1/", prefix);
        Assert.StartsWith(StorageKeys.ProjectPrefix("p_1"), prefix);
        Assert.All(
            new[]
            {
                StorageKeys.Source("p_1", "v_1"), StorageKeys.Segment("p_1", "v_1", "360p", 7), StorageKeys.Poster("p_1", "v_1"),
                StorageKeys.StoryboardSprite("p_1", "v_1"), StorageKeys.StoryboardVtt("p_1", "v_1"),
            },
            key => Assert.StartsWith(prefix, key));
    }

    [Fact]
    public void A_live_session_writes_under_its_project_and_a_recorded_one_where_its_video_reads()
    {
        Assert.Equal("projects/p_1/live/ls_1/s_1/", StorageKeys.LiveSessionPrefix("p_1", "ls_1", "s_1"));
        Assert.Equal("projects/p_1/live/ls_1/s_1/360p/4.ts", StorageKeys.LiveSegment(StorageKeys.LiveSessionPrefix("p_1", "ls_1", "s_1"), "360p", 4));
        Assert.Equal(StorageKeys.Segment("p_1", "v_1", "360p", 4), StorageKeys.LiveSegment(StorageKeys.SegmentFolder("p_1", "v_1"), "360p", 4));
        Assert.Throws<ArgumentException>(() => StorageKeys.LiveSessionPrefix("p_1", "..", "s_1"));
        Assert.Throws<ArgumentException>(() => StorageKeys.LiveSegment("projects/p_1/", "../x", 0));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("")]
    public void An_id_that_could_leave_its_prefix_is_refused(string id)
    {
        Assert.Throws<ArgumentException>(() => StorageKeys.Source(id, "v_1"));
        Assert.Throws<ArgumentException>(() => StorageKeys.Source("p_1", id));
        Assert.Throws<ArgumentException>(() => StorageKeys.Segment("p_1", "v_1", id, 0));
    }
}
