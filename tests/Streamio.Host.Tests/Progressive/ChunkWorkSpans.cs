using System.Collections.Concurrent;
using System.Diagnostics;
using Streamio.Telemetry;
using Attributes = Streamio.Telemetry.StreamioTelemetry.Attributes;

namespace Streamio.Host.Tests.Progressive;

/// <summary>
/// The chunk work attempts of the videos encoded meanwhile, heard from Streamio's own spans in this process (the node runs in it): which
/// work item encoded which segments of which rungs. Two items for the same chunk mean it was encoded twice.
/// </summary>
public sealed class ChunkWorkSpans : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<(string VideoId, int Item, string Chunk)> _chunks = new();

    public ChunkWorkSpans()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == StreamioTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem(Attributes.FirstSegment) is { } first && activity.GetTagItem(Attributes.VideoId) is string videoId
                    && activity.GetTagItem(Attributes.WorkItem) is int item)
                {
                    _chunks.Enqueue((videoId, item, $"segments {first}+{activity.GetTagItem(Attributes.SegmentCount)} of {activity.GetTagItem("streamio.chunk.rungs")}"));
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Every chunk of <paramref name="videoId"/> encoded, with the distinct work items that encoded it.</summary>
    public IReadOnlyDictionary<string, int[]> ItemsByChunk(string videoId) =>
        _chunks.Where(chunk => chunk.VideoId == videoId).GroupBy(chunk => chunk.Chunk).ToDictionary(group => group.Key, group => group.Select(chunk => chunk.Item).Distinct().ToArray());

    public void Dispose() => _listener.Dispose();
}
