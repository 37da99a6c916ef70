using Streamio.Grains.Work;

namespace Streamio.Grains.Tests.Work;

/// <summary>Each chunk's encoders take their share of the silo's cores when chunks run side by side.</summary>
public sealed class ChunkThreadsTests
{
    [Theory]
    // Two workers on 2 cores, a video cut into two chunks: the first to start already counts the other.
    [InlineData(2, 2, 1, 1, 1)]
    [InlineData(2, 2, 2, 0, 1)]
    // 16 cores, 16 workers, one video of five chunks: each takes a fifth of the cores.
    [InlineData(16, 16, 1, 4, 3)]
    // Many videos' chunks waiting: no more side by side than the silo has workers.
    [InlineData(16, 4, 1, 40, 4)]
    // More workers than cores: still one thread each.
    [InlineData(2, 8, 3, 5, 1)]
    public void Chunks_side_by_side_share_the_cores(int cores, int workers, int runningHere, int pending, int expected) =>
        Assert.Equal(expected, ChunkThreads.PerEncoder(cores, workers, runningHere, pending, firstSegmentOnly: false));

    [Theory]
    [InlineData(2, 2, 1, 0, false)]
    [InlineData(16, 1, 1, 9, false)]
    [InlineData(2, 2, 2, 3, true)]
    public void A_chunk_alone_on_its_silo_or_the_first_segment_that_gates_playback_keeps_ffmpegs_own_threads(
        int cores, int workers, int runningHere, int pending, bool firstSegmentOnly) =>
        Assert.Null(ChunkThreads.PerEncoder(cores, workers, runningHere, pending, firstSegmentOnly));
}
