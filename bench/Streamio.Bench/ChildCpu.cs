using System.Diagnostics;
using System.Globalization;

namespace Streamio.Bench;

/// <summary>
/// CPU time of this process plus every child it has waited for (Linux /proc/self/stat utime+stime+cutime+cstime):
/// FFmpeg runs as children, so this is the whole cost of a pipeline started from here.
/// </summary>
public static class ChildCpu
{
    private static readonly double TicksPerSecond = 100;

    public static TimeSpan Total() => Ticks(first: 11, count: 4);

    /// <summary>
    /// This process's own CPU time (utime+stime), without the children it waited for: where Streamio's .NET work
    /// (grains, HTTP, telemetry) runs, apart from FFmpeg's encoding.
    /// </summary>
    public static TimeSpan Self() => Ticks(first: 11, count: 2);

    private static TimeSpan Ticks(int first, int count)
    {
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After the command name: field 3 is index 0, so utime (14) is index 11 .. cstime (17) is index 14.
        var ticks = Enumerable.Range(first, count).Sum(index => double.Parse(fields[index], CultureInfo.InvariantCulture));
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    public static async Task<(TimeSpan Wall, TimeSpan Cpu)> MeasureAsync(Func<Task> work)
    {
        var cpu = Total();
        var wall = Stopwatch.StartNew();
        await work();
        return (wall.Elapsed, Total() - cpu);
    }

    /// <summary>
    /// Waits until this process has no child left (FFmpeg, ffprobe), at most <paramref name="limit"/>: a deleted video's
    /// chunk finishes its current segment before it learns the video is gone, and would compete with what comes next.
    /// </summary>
    public static async Task<TimeSpan> WaitForNoChildrenAsync(TimeSpan limit)
    {
        var waited = Stopwatch.StartNew();
        var self = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        while (waited.Elapsed < limit && Directory.EnumerateDirectories("/proc").Any(directory => IsChildOf(directory, self)))
        {
            await Task.Delay(50);
        }
        return waited.Elapsed;
    }

    private static bool IsChildOf(string procDirectory, string parent)
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(procDirectory, "stat"));
            // After the command name: state, then the parent's pid.
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1] == parent;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            return false;
        }
    }
}
