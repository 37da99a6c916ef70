namespace Streamio.Grains.Videos;

/// <summary>
/// The durable state of one rendition of a video: its AES-128 key (kept here, never beside the segments), and the
/// segments registered so far. The playlist is rendered from this state on every request.
/// </summary>
public sealed class VariantState
{
    public required string VideoId { get; init; }

    /// <summary>The video's project: its segments are stored under the project's prefix.</summary>
    public string ProjectId { get; init; } = Projects.ProjectIds.Default;

    public required string Name { get; init; }

    public bool IsAudio { get; init; }

    public int Width { get; init; }

    public int Height { get; init; }

    public int BitrateKbps { get; init; }

    public required byte[] Key { get; init; }

    /// <summary>How many segments the rendition has; an estimate until <see cref="Complete"/>.</summary>
    public int SegmentCount { get; set; }

    public bool Complete { get; set; }

    /// <summary>Registered segments: index to duration in seconds.</summary>
    public SortedDictionary<int, double> Segments { get; init; } = [];

    /// <summary>The segments a player may fetch: the unbroken run from index 0.</summary>
    public IReadOnlyList<double> ContiguousPrefix()
    {
        var durations = new List<double>();
        while (Segments.TryGetValue(durations.Count, out var duration))
        {
            durations.Add(duration);
        }
        return durations;
    }

    public double Progress => Complete ? 1 : SegmentCount == 0 ? 0 : Math.Min(1, (double)Segments.Count / SegmentCount);

    public static string GrainKey(string videoId, string rendition) => $"{videoId}/{rendition}";
}
