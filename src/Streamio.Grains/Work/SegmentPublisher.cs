using Streamio.Abstractions.Videos;
using Streamio.Media;
using Streamio.Media.Cmaf;
using Streamio.Storage;
using Streamio.Telemetry;

namespace Streamio.Grains.Work;

/// <summary>
/// Takes a segment FFmpeg just closed: encrypts it with its rendition's key (IV = its sequence number), stores it,
/// registers it with the variant grain, and tells the video, so it is playable at once. A rendition with CMAF output
/// then gets the same frames remuxed into a CENC fragment (no second encode), stored and registered the same way. Each
/// publish is a span ("publish segment") in the work attempt's trace.
/// </summary>
public sealed class SegmentPublisher(IObjectStorage storage, IGrainFactory grains, CmafRemuxer remuxer)
{
    /// <summary>
    /// What a worker needs of a variant: its key, the segments it already has (from an earlier run), and for CMAF
    /// output the CENC key and the CMAF segments it already has.
    /// </summary>
    public sealed record Target(string VideoId, string ProjectId, string Rendition, byte[] Key, IReadOnlySet<int> Registered)
    {
        public CencKey? Cenc { get; init; }

        public IReadOnlySet<int> CmafRegistered { get; init; } = new HashSet<int>();
    }

    public async Task<Target> TargetAsync(string videoId, string rendition)
    {
        var variant = grains.GetGrain<IVariantGrain>(VariantKeys.Of(videoId, rendition));
        var view = await variant.GetAsync() ?? throw new VideoGoneException(videoId);
        var key = await variant.GetKeyAsync() ?? throw new VideoGoneException(videoId);
        var cenc = await variant.GetCencKeyAsync();
        return new Target(videoId, view.ProjectId, rendition, key, view.Registered.ToHashSet())
        {
            Cenc = cenc is null ? null : new CencKey(cenc.KeyId, cenc.Key),
            CmafRegistered = (view.CmafContiguousStarts ?? []).Select((_, index) => index).ToHashSet(),
        };
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
        }
        else
        {
            var plaintext = await File.ReadAllBytesAsync(segment.LocalPath, cancellationToken);
            var encrypted = SegmentCipher.Encrypt(plaintext, target.Key, segment.Index);
            using (var content = new MemoryStream(encrypted, writable: false))
            {
                await storage.PutAsync(StorageKeys.Segment(target.ProjectId, target.VideoId, target.Rendition, segment.Index), content, cancellationToken);
            }
            var registration = await variant.RegisterSegmentAsync(segment.Index, segment.DurationSeconds);
            span?.SetTag("streamio.segment.outcome", registration.Outcome.ToString().ToLowerInvariant());
            await ThrowIfGoneAsync(target, registration);
            await video.OnSegmentAsync(target.Rendition, segment.Index, registration);
        }
        // After the TS one: HLS players never wait on the remux. The video cannot finish before this returns.
        if (target.Cenc is { } cenc && !target.CmafRegistered.Contains(segment.Index))
        {
            await PublishCmafAsync(target, cenc, segment, variant, cancellationToken);
        }
        File.Delete(segment.LocalPath);
    }

    private async Task PublishCmafAsync(Target target, CencKey cenc, ClosedSegment segment, IVariantGrain variant, CancellationToken cancellationToken)
    {
        using var span = StreamioTelemetry.Source.StartActivity("publish cmaf segment");
        var parts = await remuxer.RemuxAsync(segment.LocalPath, segment.Index, cenc, cancellationToken);
        if (segment.Index == 0)
        {
            // One init per rendition, from its first segment: later runs' inits differ only in fields players ignore
            // (bitrate hints, the encoder tag); the variant refuses a segment whose timescale differs.
            await PutAsync(StorageKeys.CmafInit(target.ProjectId, target.VideoId, target.Rendition), parts.Init, cancellationToken);
        }
        await PutAsync(StorageKeys.CmafSegment(target.ProjectId, target.VideoId, target.Rendition, segment.Index), parts.Media, cancellationToken);
        await ThrowIfGoneAsync(target, await variant.RegisterCmafSegmentAsync(segment.Index, parts.DecodeTime, parts.Timescale));
    }

    private async Task PutAsync(string key, byte[] bytes, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(bytes, writable: false);
        await storage.PutAsync(key, content, cancellationToken);
    }

    private async Task ThrowIfGoneAsync(Target target, SegmentRegistration registration)
    {
        if (registration.Outcome == RegisterOutcome.Gone)
        {
            // The video was deleted meanwhile: nothing may be left behind by this late write.
            await storage.DeletePrefixAsync(StorageKeys.VideoPrefix(target.ProjectId, target.VideoId), CancellationToken.None);
            throw new VideoGoneException(target.VideoId);
        }
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
