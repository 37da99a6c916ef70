using Microsoft.Extensions.Options;
using Streamio.Backbone;
using Streamio.Grains.Planning;
using Streamio.Grains.Videos;
using Streamio.Media;
using Streamio.Storage;

namespace Streamio.Grains.Work;

/// <summary>
/// Encodes one chunk of the timeline into every listed rung with one FFmpeg run (one decode), publishing each segment
/// as soon as FFmpeg closes it.
/// </summary>
public sealed class EncodeChunkHandler(
    VideoGrain videos,
    VariantGrain variants,
    GrainRuntime runtime,
    SegmentPublisher publisher,
    IObjectStorage storage,
    IMediaEncoder encoder,
    IOptions<EncodingOptions> options) : IWorkHandler
{
    public string Kind => WorkKinds.EncodeChunk;

    public async Task HandleAsync(WorkLease lease, CancellationToken cancellationToken)
    {
        var work = WorkKinds.Read<ChunkWork>(lease);
        if (await runtime.ReadAsync<VideoState>(VideoGrain.IdOf(work.VideoId), cancellationToken) is not { Status: VideoStatus.Encoding, Plan: { } plan } video)
        {
            return;
        }
        var states = (await variants.ReadAllAsync(work.VideoId, cancellationToken)).ToDictionary(variant => variant.Name);
        var rungs = work.Rungs.Select(name => states[name]).Select(variant => new Rung(variant.Name, variant.Width, variant.Height, variant.BitrateKbps)).ToList();
        var source = await storage.LocateForReadingAsync(video.SourceKey, TimeSpan.FromHours(6), cancellationToken);
        var workDirectory = Path.GetFullPath(Path.Combine(options.Value.WorkPath, work.VideoId, $"chunk-{lease.WorkId}-{lease.Attempt}"));
        var produced = work.Rungs.ToDictionary(name => name, _ => 0);
        try
        {
            var job = new ChunkEncodeJob(new MediaInput(source.Location, source.Protocols), work.FirstSegment * plan.SegmentSeconds,
                work.SegmentCount * plan.SegmentSeconds, work.FirstSegment, plan.SegmentSeconds, rungs, workDirectory);
            await encoder.EncodeChunkAsync(job, async segment =>
            {
                produced[segment.Rendition]++;
                await publisher.PublishAsync(states[segment.Rendition], segment, lease, cancellationToken);
            }, progress: null, cancellationToken);
        }
        finally
        {
            DeleteQuietly(workDirectory);
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
                await variants.CompleteAsync(work.VideoId, rendition, work.FirstSegment + count, lease, cancellationToken);
            }
        }
    }

    public Task OnExhaustedAsync(WorkLease lease, string error, CancellationToken cancellationToken) =>
        videos.FailAsync(WorkKinds.Read<ChunkWork>(lease).VideoId, $"Encoding failed after {lease.MaxAttempts} attempts: {error}", lease, cancellationToken);

    internal static void DeleteQuietly(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // Scratch space only; the next start-up sweep removes it.
        }
    }
}
