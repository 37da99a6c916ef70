namespace Streamio.Grains;

/// <summary>Values kept by segment index, read as the unbroken run from index 0 (what a player may fetch without a hole).</summary>
public static class IndexedRuns
{
    public static List<T> ContiguousFromZero<T>(this IReadOnlyDictionary<int, T> byIndex)
    {
        var run = new List<T>();
        while (byIndex.TryGetValue(run.Count, out var value))
        {
            run.Add(value);
        }
        return run;
    }
}
