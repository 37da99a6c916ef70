using Microsoft.Extensions.Options;
using Streamio.Abstractions.Videos;
using Streamio.Abstractions.Work;
using Streamio.Grains.Planning;
using Streamio.Media;
using Streamio.Storage;

namespace Streamio.Grains.Work;

/// <summary>
/// Encodes one chunk of the timeline into every listed rung with one FFmpeg run (one decode), publishing each segment
/// as soon as FFmpeg closes it.
/// </summary>
public sealed class ChunkRunner(IGrainFactory grains, SegmentPublisher publisher, IObjectStorage storage, IMediaEncoder encoder, IOptions<EncodingOptions> options)
    : IWorkRunner
{
    public WorkKind Kind => WorkKind.EncodeChunk;

    public async Task RunAsync(WorkAssignment work, CancellationToken cancellationToken)
    {
        var plan = work.Plan ?? throw new InvalidOperationException($"Video {work.VideoId} has no plan to encode.");
        var targets = new Dictionary<string, SegmentPublisher.Target>(StringComparer.Ordinal);
        foreach (var name in work.Rungs)
        {
            targets[name] = await publisher.TargetAsync(work.VideoId, name);
        }
        var rungs = work.Rungs.Select(name => plan.Renditions.First(rendition => rendition.Name == name))
            .Select(rendition => new Rung(rendition.Name, rendition.Width, rendition.Height, rendition.BitrateKbps)).ToList();
        var source = await storage.LocateForReadingAsync(work.SourceKey, TimeSpan.FromHours(6), cancellationToken);
        var workDirectory = Scratch.For(options.Value.WorkPath, work, "chunk");
        var produced = work.Rungs.ToDictionary(name => name, _ => 0);
        try
        {
            var job = new ChunkEncodeJob(new MediaInput(source.Location, source.Protocols), work.FirstSegment * plan.SegmentSeconds,
                work.SegmentCount * plan.SegmentSeconds, work.FirstSegment, plan.SegmentSeconds, rungs, workDirectory);
            await encoder.EncodeChunkAsync(job, async segment =>
            {
                produced[segment.Rendition]++;
                await publisher.PublishAsync(targets[segment.Rendition], segment, cancellationToken);
            }, progress: null, cancellationToken);
        }
        finally
        {
            Scratch.DeleteQuietly(workDirectory);
        }
        foreach (var (rendition, count) in produced)
        {
            if (count < work.SegmentCount && !work.IsLastChunk)
            {
                throw new InvalidOperationException(
                    $"Chunk at segment {work.FirstSegment} produced {count} of {work.SegmentCount} segments for {rendition}; the source may be damaged.");
            }
            if (work.IsLastChunk)
            {
                await publisher.CompleteAsync(targets[rendition], work.FirstSegment + count);
            }
        }
        await grains.GetGrain<IVideoGrain>(work.VideoId).OnEncodedAsync(work.ItemId, work.Attempt);
    }
}
