using System.Collections.Concurrent;
using System.Diagnostics;
using Streamio.Telemetry;
using Attributes = Streamio.Telemetry.StreamioTelemetry.Attributes;

namespace Streamio.Host.Tests.Progressive;

/// <summary>One chunk work attempt: which work item encoded which segments of which rungs.</summary>
public sealed record ChunkWork(string VideoId, int Item, int FirstSegment, int SegmentCount, string Rungs)
{
    public string Chunk => $"segments {FirstSegment}+{SegmentCount} of {Rungs}";
}

/// <summary>
/// The chunk work attempts of the videos encoded meanwhile, heard from Streamio's own spans in this process (the node
/// runs in it). Two items for the same chunk mean it was encoded twice.
/// </summary>
public sealed class ChunkWorkSpans : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<ChunkWork> _chunks = new();

    public ChunkWorkSpans()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == StreamioTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem(Attributes.FirstSegment) is int first && activity.GetTagItem(Attributes.SegmentCount) is int count
                    && activity.GetTagItem(Attributes.VideoId) is string videoId && activity.GetTagItem(Attributes.WorkItem) is int item)
                {
                    _chunks.Enqueue(new ChunkWork(videoId, item, first, count, activity.GetTagItem("streamio.chunk.rungs") as string ?? ""));
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Every chunk attempt of <paramref name="videoId"/> heard so far.</summary>
    public IReadOnlyList<ChunkWork> Of(string videoId) => [.. _chunks.Where(chunk => chunk.VideoId == videoId)];

    /// <summary>Every chunk of <paramref name="videoId"/> encoded, with the distinct work items that encoded it.</summary>
    public IReadOnlyDictionary<string, int[]> ItemsByChunk(string videoId) =>
        Of(videoId).GroupBy(chunk => chunk.Chunk).ToDictionary(group => group.Key, group => group.Select(chunk => chunk.Item).Distinct().ToArray());

    public void Dispose() => _listener.Dispose();
}
