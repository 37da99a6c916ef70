namespace Streamio.Grains.Work;

/// <summary>
/// How many threads each x264 encoder of a chunk gets. FFmpeg's own choice (about 1.5 per core for every encoder) is
/// right for a chunk alone on its silo; chunks that run side by side then oversubscribe the cores, and x264's frame
/// threads cost CPU for nothing (measured on 2 cores, two 30 s 4-rung chunks at once, three times: one thread per
/// encoder spent 2–16 % less CPU than FFmpeg's choice, and some 6 s less system time each time).
/// </summary>
public static class ChunkThreads
{
    /// <param name="cores">The silo's cores.</param>
    /// <param name="workers">The silo's general workers: at most this many chunks run side by side here.</param>
    /// <param name="runningHere">Chunks running on this silo, this one included.</param>
    /// <param name="pending">The video's chunks still waiting, which will most likely run beside this one.</param>
    /// <param name="firstSegmentOnly">Segment 0 alone: the viewer waits for it, so it takes every thread it can.</param>
    /// <returns>Null: FFmpeg's own choice.</returns>
    public static int? PerEncoder(int cores, int workers, int runningHere, int pending, bool firstSegmentOnly)
    {
        var sideBySide = Math.Clamp(runningHere + pending, 1, Math.Max(1, workers));
        return firstSegmentOnly || sideBySide == 1 ? null : Math.Max(1, cores / sideBySide);
    }
}
