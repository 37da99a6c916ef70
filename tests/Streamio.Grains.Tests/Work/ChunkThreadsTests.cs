using Streamio.Abstractions.Work;
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

    [Theory]
    // Segment 0 at the lowest rung alone: what a viewer waits for, run ahead of the rest at normal priority.
    [InlineData(WorkKind.EncodeChunk, 0, 1, new[] { "360p" }, true)]
    // Segment 0 at the other rungs, a whole chunk, a later lone segment: throughput work. (The audio pass is urgent only
    // until its first segment, which the encoder handles: FfmpegEncoderTests.)
    [InlineData(WorkKind.EncodeChunk, 0, 1, new[] { "480p", "720p" }, false)]
    [InlineData(WorkKind.EncodeChunk, 1, 15, new[] { "360p" }, false)]
    [InlineData(WorkKind.EncodeChunk, 7, 1, new[] { "360p" }, false)]
    [InlineData(WorkKind.EncodeAudio, 0, 1, new string[0], false)]
    public void Only_the_fast_start_chunk_is_urgent(WorkKind kind, int firstSegment, int segmentCount, string[] rungs, bool urgent) =>
        Assert.Equal(urgent, ChunkRunner.IsFastStart(new WorkAssignment("v", "p", 1, 1, kind, "source", null, null, firstSegment, segmentCount, rungs,
            IsLastChunk: false, SourceIsExternal: false, SourceDeleted: false, Repair: false)));
}
