using Streamio.Abstractions.Videos;
using Streamio.Media;
using Streamio.Storage;
using Streamio.Telemetry;

namespace Streamio.Grains.Work;

/// <summary>
/// Takes a segment FFmpeg just closed: encrypts it with its rendition's key (IV = its sequence number), stores it,
/// registers it with the variant grain, and tells the video, so it is playable at once. Each publish is a span
/// ("publish segment") in the work attempt's trace.
/// </summary>
public sealed class SegmentPublisher(IObjectStorage storage, IGrainFactory grains)
{
    /// <summary>What a worker needs of a variant: its key and the segments it already has (from an earlier run).</summary>
    public sealed record Target(string VideoId, string ProjectId, string Rendition, byte[] Key, IReadOnlySet<int> Registered);

    public async Task<Target> TargetAsync(string videoId, string rendition)
    {
        var variant = grains.GetGrain<IVariantGrain>(VariantKeys.Of(videoId, rendition));
        var view = await variant.GetAsync() ?? throw new VideoGoneException(videoId);
        var key = await variant.GetKeyAsync() ?? throw new VideoGoneException(videoId);
        return new Target(videoId, view.ProjectId, rendition, key, view.Registered.ToHashSet());
    }

    public async Task PublishAsync(Target target, ClosedSegment segment, CancellationToken cancellationToken)
    {
        var video = grains.GetGrain<IVideoGrain>(target.VideoId);
        var variant = grains.GetGrain<IVariantGrain>(VariantKeys.Of(target.VideoId, target.Rendition));
        using var span = StreamioTelemetry.Source.StartActivity("publish segment");
        span?.SetTag(StreamioTelemetry.Attributes.Rendition, target.Rendition).SetTag(StreamioTelemetry.Attributes.SegmentIndex, segment.Index);
        if (target.Registered.Contains(segment.Index))
        {
            // An earlier run of this chunk registered it already; players may be reading that copy.
            span?.SetTag("streamio.segment.outcome", "kept");
            File.Delete(segment.LocalPath);
            return;
        }
        var plaintext = await File.ReadAllBytesAsync(segment.LocalPath, cancellationToken);
        var encrypted = SegmentCipher.Encrypt(plaintext, target.Key, segment.Index);
        using (var content = new MemoryStream(encrypted, writable: false))
        {
            await storage.PutAsync(StorageKeys.Segment(target.ProjectId, target.VideoId, target.Rendition, segment.Index), content, cancellationToken);
        }
        var registration = await variant.RegisterSegmentAsync(segment.Index, segment.DurationSeconds);
        span?.SetTag("streamio.segment.outcome", registration.Outcome.ToString().ToLowerInvariant());
        File.Delete(segment.LocalPath);
        if (registration.Outcome == RegisterOutcome.Gone)
        {
            // The video was deleted meanwhile: nothing may be left behind by this late write.
            await storage.DeletePrefixAsync(StorageKeys.VideoPrefix(target.ProjectId, target.VideoId), CancellationToken.None);
            throw new VideoGoneException(target.VideoId);
        }
        await video.OnSegmentAsync(target.Rendition, segment.Index, registration);
    }

    /// <summary>Records the true length of a rendition once its last run ended.</summary>
    public async Task CompleteAsync(Target target, int segmentCount)
    {
        var registration = await grains.GetGrain<IVariantGrain>(VariantKeys.Of(target.VideoId, target.Rendition)).CompleteAsync(segmentCount);
        if (registration.Outcome == RegisterOutcome.Gone)
        {
            throw new VideoGoneException(target.VideoId);
        }
        await grains.GetGrain<IVideoGrain>(target.VideoId).OnSegmentAsync(target.Rendition, -1, registration);
    }
}

/// <summary>The video was deleted while its work ran: the worker stops without reporting a failure.</summary>
public sealed class VideoGoneException(string videoId) : Exception($"Video {videoId} no longer exists.");
