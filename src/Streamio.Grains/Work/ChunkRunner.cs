using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Streamio.Abstractions.Videos;
using Streamio.Abstractions.Work;
using Streamio.Grains.Planning;
using Streamio.Media;
using Streamio.Media.Forensics;
using Streamio.Storage;

namespace Streamio.Grains.Work;

/// <summary>
/// Encodes one chunk of the timeline into every listed rung with one FFmpeg run (one decode), publishing each segment
/// as soon as FFmpeg closes it. The same run takes the chunk's storyboard tiles (and the poster, when its time falls
/// here), so finishing the video only has to join small images.
/// </summary>
public sealed partial class ChunkRunner(
    IGrainFactory grains, SegmentPublisher publisher, IObjectStorage storage, IMediaEncoder encoder, IOptions<EncodingOptions> options,
    IOptions<ForensicOptions> forensics, IOptions<SiloWorkOptions> silo, EarlyFastStarts earlyStarts, ILogger<ChunkRunner> logger)
    : IWorkRunner
{
    /// <summary>Chunks running on this silo now (this runner is the silo's one).</summary>
    private int _running;

    public WorkKind Kind => WorkKind.EncodeChunk;

    public async Task<WorkAssignment?> RunAsync(WorkAssignment work, CancellationToken cancellationToken)
    {
        // Taken before anything can throw: an early encode left in the registry would run on unwatched.
        var early = earlyStarts.Take(work);
        var plan = work.Plan ?? throw new InvalidOperationException($"Video {work.VideoId} has no plan to encode.");
        var targets = new Dictionary<string, SegmentPublisher.Target>(StringComparer.Ordinal);
        foreach (var name in work.Rungs)
        {
            targets[name] = await publisher.TargetAsync(work.VideoId, name);
        }
        var workDirectory = Scratch.For(options.Value.WorkPath, work, "chunk");
        var rungs = work.Rungs.Select(name => plan.Renditions.First(rendition => rendition.Name == name))
            .Select(rendition => new Rung(rendition.Name, rendition.Width, rendition.Height, rendition.BitrateKbps)
            {
                MarkPatternPath = rendition.Forensic == ForensicCopy.None ? null : WriteMarkPattern(work.VideoId, rendition, workDirectory),
            }).ToList();
        var source = await SourceInputs.ForAsync(storage, work, TimeSpan.FromHours(6), cancellationToken);
        var produced = work.Rungs.ToDictionary(name => name, _ => 0);
        var repeatsFastStart = LadderPlanner.FastStartRepeatedBy(plan, work.FirstSegment, work.SegmentCount, work.Rungs);
        var runningHere = Interlocked.Increment(ref _running);
        try
        {
            var start = plan.SegmentStart(work.FirstSegment);
            var job = new ChunkEncodeJob(source, start,
                plan.SegmentStart(work.FirstSegment + work.SegmentCount) - start, work.FirstSegment, plan.SegmentSeconds, rungs, workDirectory)
            {
                FirstSegmentSeconds = plan.FirstSeconds,
                // The head's duration is provisional: images are made by the chunks of the stored source.
                Images = MakesImages(work, plan) && work.ProgressiveSource is null && work.Source is { } facts ? ImagePlan.ForChunk(facts) : null,
                Logo = await FetchLogoAsync(work, workDirectory, cancellationToken),
                EncoderThreads = ChunkThreads.PerEncoder(Environment.ProcessorCount, silo.Value.Workers, runningHere, work.ChunksPending,
                    firstSegmentOnly: work is { FirstSegment: 0, SegmentCount: 1 }),
                Urgent = IsFastStart(work),
            };
            async Task PublishAsync(ClosedSegment segment)
            {
                produced[segment.Rendition]++;
                if (segment.Index == 0 && segment.Rendition == repeatsFastStart)
                {
                    // The fast start's segment: published by it, encoded here again only because one run makes every rung.
                    return;
                }
                await publisher.PublishAsync(targets[segment.Rendition], segment, cancellationToken);
            }
            // The video adopted the early encode for exactly this job; the check costs nothing should that ever change.
            if (early is null || job is not { Images: null, Logo: null, Outputs.Count: 1 } || !await TryPublishEarlyAsync(early, job, PublishAsync, cancellationToken))
            {
                var result = await encoder.EncodeChunkAsync(job, PublishAsync, progress: null, cancellationToken);
                await StoreImagesAsync(work, result, cancellationToken);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _running);
            Scratch.DeleteQuietly(workDirectory);
            if (early is { Ended: false })
            {
                earlyStarts.Drop(early, "not used by the chunk");
            }
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
        await Reports.RetryAsync(() => grains.GetGrain<IVideoGrain>(work.VideoId).OnEncodedAsync(work.ItemId, work.Attempt));
        return null;
    }

    /// <summary>
    /// Publishes the fast start's segment from the encode begun beside the probe; false, with nothing published, when
    /// that encode failed or made frames of another size than the plan's (then the chunk is encoded as usual).
    /// </summary>
    private async Task<bool> TryPublishEarlyAsync(EarlyEncode early, ChunkEncodeJob job, Func<ClosedSegment, Task> publish, CancellationToken cancellationToken)
    {
        var published = 0;
        try
        {
            published = await early.PublishAsAsync(job.Outputs[0], async segment =>
            {
                await publish(segment);
                published++;
            }, cancellationToken);
        }
        catch (Exception error) when (published == 0 && !cancellationToken.IsCancellationRequested)
        {
            LogEarlyNotUsed(error, early.VideoId);
            earlyStarts.Drop(early, error.Message);
            return false;
        }
        if (published == 0)
        {
            // FFmpeg ended without a segment: the chunk's own run says why, as it would have without the early one.
            earlyStarts.Drop(early, "it closed no segment");
            return false;
        }
        earlyStarts.Used(early);
        return true;
    }

    [LoggerMessage(LogLevel.Warning, "Video {VideoId}: the fast start begun beside the probe is not used; it is encoded again")]
    private partial void LogEarlyNotUsed(Exception error, string videoId);

    /// <summary>The A (+) or B (−) copy's mark as one raw frame for FFmpeg to merge into every frame of the rung.</summary>
    private string WriteMarkPattern(string videoId, RenditionPlan rendition, string workDirectory)
    {
        Directory.CreateDirectory(workDirectory);
        var path = Path.Combine(workDirectory, $"mark-{rendition.Name}.yuv");
        var sign = rendition.Forensic == ForensicCopy.A ? 1 : -1;
        File.WriteAllBytes(path, new ForensicPattern(videoId).Yuv420Frame(rendition.Width, rendition.Height, forensics.Value.Strength, sign));
        return path;
    }

    /// <summary>The fast start: segment 0 at the lowest rung alone, which with the audio's first segment makes a video playable.</summary>
    public static bool IsFastStart(WorkAssignment work) => work is { Kind: WorkKind.EncodeChunk, FirstSegment: 0, SegmentCount: 1, Rungs.Count: 1 };

    /// <summary>Each span of the timeline gets its images once: from the chunk that encodes its highest rung.</summary>
    private static bool MakesImages(WorkAssignment work, EncodingPlan plan) =>
        plan.Renditions.Where(rendition => rendition.IsPlainVideo).MaxBy(rendition => rendition.Height) is { } highest && work.Rungs.Contains(highest.Name);

    /// <summary>The video's logo, copied next to the chunk's outputs for FFmpeg to read; null when the video has none.</summary>
    private async Task<LogoOverlay?> FetchLogoAsync(WorkAssignment work, string workDirectory, CancellationToken cancellationToken)
    {
        if (work.Logo is not { } logo)
        {
            return null;
        }
        var corner = LogoCorners.Parse(logo.Corner) ?? throw new InvalidOperationException($"Video {work.VideoId} has a logo in an unknown corner '{logo.Corner}'.");
        Directory.CreateDirectory(workDirectory);
        var path = Path.Combine(workDirectory, "logo.png");
        await using (var stored = await storage.OpenReadAsync(logo.StorageKey, cancellationToken)
            ?? throw new InvalidOperationException($"The logo of video {work.VideoId} ({logo.StorageKey}) is missing from storage."))
        await using (var local = File.Create(path))
        {
            await stored.CopyToAsync(local, cancellationToken);
        }
        return new LogoOverlay(path, corner, logo.Scale, logo.Opacity);
    }

    private async Task StoreImagesAsync(WorkAssignment work, ChunkEncodeResult result, CancellationToken cancellationToken)
    {
        foreach (var tile in result.Tiles)
        {
            await PutFileAsync(StorageKeys.StoryboardTile(work.ProjectId, work.VideoId, tile.Index), tile.LocalPath, cancellationToken);
        }
        if (result.PosterPath is { } poster)
        {
            await PutFileAsync(StorageKeys.Poster(work.ProjectId, work.VideoId), poster, cancellationToken);
        }
    }

    private async Task PutFileAsync(string key, string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        await storage.PutAsync(key, file, cancellationToken);
    }
}
