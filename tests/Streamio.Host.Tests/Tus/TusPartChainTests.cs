using Streamio.Host.Uploads.Tus;

namespace Streamio.Host.Tests.Tus;

/// <summary>Which stored parts make up an upload, when a lost race or a crash left spare parts beside them.</summary>
public sealed class TusPartChainTests
{
    private static TusPart Part(long start, long end) => new(start, end, $"{start}-{end}");

    [Fact]
    public void Parts_that_join_end_to_end_are_the_upload()
    {
        var chain = TusPartStore.Chain([Part(0, 10), Part(10, 25), Part(25, 30)], 30);
        Assert.Equal(["0-10", "10-25", "25-30"], chain!.Select(part => part.Key));
    }

    [Fact]
    public void A_spare_part_left_by_a_crash_before_its_offset_was_recorded_is_skipped()
    {
        // 10-18 was stored but never recorded; the client resent from 10 with a different chunk size.
        var chain = TusPartStore.Chain([Part(0, 10), Part(10, 18), Part(10, 20), Part(20, 30)], 30);
        Assert.Equal(["0-10", "10-20", "20-30"], chain!.Select(part => part.Key));
    }

    [Fact]
    public void Parts_that_leave_a_gap_or_run_past_the_length_are_no_upload()
    {
        Assert.Null(TusPartStore.Chain([Part(0, 10), Part(12, 30)], 30));
        Assert.Null(TusPartStore.Chain([Part(0, 10), Part(10, 31)], 30));
        Assert.Null(TusPartStore.Chain([], 30));
    }
}
