using Microsoft.Extensions.Options;
using Streamio.Backbone;
using Streamio.Grains.Planning;
using Streamio.Grains.Videos;
using Streamio.Media;
using Streamio.Storage;

namespace Streamio.Grains.Work;

/// <summary>Encodes the whole audio track once (per-chunk AAC would leave gaps at the joins), publishing segments as they close.</summary>
public sealed class EncodeAudioHandler(
    VideoGrain videos,
    VariantGrain variants,
    GrainRuntime runtime,
    SegmentPublisher publisher,
    IObjectStorage storage,
    IMediaEncoder encoder,
    IOptions<EncodingOptions> options) : IWorkHandler
{
    public string Kind => WorkKinds.EncodeAudio;

    public async Task HandleAsync(WorkLease lease, CancellationToken cancellationToken)
    {
        var videoId = WorkKinds.Read<VideoWork>(lease).VideoId;
        if (await runtime.ReadAsync<VideoState>(VideoGrain.IdOf(videoId), cancellationToken) is not { Status: VideoStatus.Encoding, Plan: { } plan } video
            || await variants.ReadAsync(videoId, LadderPlanner.AudioRendition, cancellationToken) is not { } audio)
        {
            return;
        }
        var source = await storage.LocateForReadingAsync(video.SourceKey, TimeSpan.FromHours(6), cancellationToken);
        var workDirectory = Path.GetFullPath(Path.Combine(options.Value.WorkPath, videoId, $"audio-{lease.WorkId}-{lease.Attempt}"));
        var produced = 0;
        try
        {
            var job = new AudioEncodeJob(new MediaInput(source.Location, source.Protocols), plan.SegmentSeconds, audio.BitrateKbps, workDirectory)
            {
                DurationSeconds = video.Source?.DurationSeconds,
            };
            await encoder.EncodeAudioAsync(job, async segment =>
            {
                produced = Math.Max(produced, segment.Index + 1);
                await publisher.PublishAsync(audio, segment, lease, cancellationToken);
            }, progress: null, cancellationToken);
        }
        finally
        {
            EncodeChunkHandler.DeleteQuietly(workDirectory);
        }
        await variants.CompleteAsync(videoId, LadderPlanner.AudioRendition, produced, lease, cancellationToken);
    }

    public Task OnExhaustedAsync(WorkLease lease, string error, CancellationToken cancellationToken) =>
        videos.FailAsync(WorkKinds.Read<VideoWork>(lease).VideoId, $"Audio encoding failed after {lease.MaxAttempts} attempts: {error}", lease, cancellationToken);
}
