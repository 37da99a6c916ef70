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

    public async Task RunAsync(WorkAssignment work, CancellationToken cancellationToken)
    {
        var plan = work.Plan ?? throw new InvalidOperationException($"Video {work.VideoId} has no plan to encode.");
        var audio = plan.Renditions.First(rendition => rendition.IsAudio);
        var target = await publisher.TargetAsync(work.VideoId, audio.Name);
        var source = await storage.LocateForReadingAsync(work.SourceKey, TimeSpan.FromHours(6), cancellationToken);
        var workDirectory = Scratch.For(options.Value.WorkPath, work, "audio");
        var produced = 0;
        try
        {
            var job = new AudioEncodeJob(new MediaInput(source.Location, source.Protocols), plan.SegmentSeconds, audio.BitrateKbps, workDirectory)
            {
                DurationSeconds = work.Source?.DurationSeconds,
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
    }
}
