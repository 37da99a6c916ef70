using Microsoft.Extensions.Options;
using Streamio.Abstractions.Videos;
using Streamio.Abstractions.Work;
using Streamio.Grains.Planning;
using Streamio.Media;
using Streamio.Storage;

namespace Streamio.Grains.Work;

/// <summary>Encodes the whole audio track once (per-chunk AAC would leave gaps at the joins), publishing segments as they close.</summary>
public sealed class AudioRunner(IGrainFactory grains, SegmentPublisher publisher, IObjectStorage storage, IMediaEncoder encoder, IOptions<EncodingOptions> options)
    : IWorkRunner
{
    public WorkKind Kind => WorkKind.EncodeAudio;

    public async Task<WorkAssignment?> RunAsync(WorkAssignment work, CancellationToken cancellationToken)
    {
        var plan = work.Plan ?? throw new InvalidOperationException($"Video {work.VideoId} has no plan to encode.");
        var audio = plan.Renditions.First(rendition => rendition.IsAudio);
        var target = await publisher.TargetAsync(work.VideoId, audio.Name);
        var source = await SourceInputs.ForAsync(storage, work, TimeSpan.FromHours(6), cancellationToken);
        var workDirectory = Scratch.For(options.Value.WorkPath, work, "audio");
        var produced = 0;
        try
        {
            var job = new AudioEncodeJob(source, plan.SegmentSeconds, audio.BitrateKbps, workDirectory)
            {
                // Unknown while the upload arrives: the pass ends with the source.
                DurationSeconds = work.ProgressiveSource is null ? work.Source?.DurationSeconds : null,
            };
            await encoder.EncodeAudioAsync(job, async segment =>
            {
                produced = Math.Max(produced, segment.Index + 1);
                await publisher.PublishAsync(target, segment, cancellationToken);
            }, progress: null, cancellationToken);
        }
        finally
        {
            Scratch.DeleteQuietly(workDirectory);
        }
        await publisher.CompleteAsync(target, produced);
        await Reports.RetryAsync(() => grains.GetGrain<IVideoGrain>(work.VideoId).OnEncodedAsync(work.ItemId, work.Attempt));
        return null;
    }
}
