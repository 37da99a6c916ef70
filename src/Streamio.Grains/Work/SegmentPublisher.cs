using Streamio.Backbone;
using Streamio.Grains.Videos;
using Streamio.Media;
using Streamio.Storage;

namespace Streamio.Grains.Work;

/// <summary>
/// Takes a segment FFmpeg just closed: encrypts it with its rendition's key (IV = its sequence number), stores it, and
/// registers it with the variant grain under the work's lease, so it is playable at once.
/// </summary>
public sealed class SegmentPublisher(IObjectStorage storage, VariantGrain variants, GrainRuntime runtime)
{
    public async Task PublishAsync(VariantState variant, ClosedSegment segment, WorkLease lease, CancellationToken cancellationToken)
    {
        if (variant.Segments.ContainsKey(segment.Index))
        {
            // An earlier attempt of this chunk already registered it; players may be reading that copy.
            File.Delete(segment.LocalPath);
            return;
        }
        var plaintext = await File.ReadAllBytesAsync(segment.LocalPath, cancellationToken);
        var encrypted = SegmentCipher.Encrypt(plaintext, variant.Key, segment.Index);
        using (var content = new MemoryStream(encrypted, writable: false))
        {
            await storage.PutAsync(StorageKeys.Segment(variant.ProjectId, variant.VideoId, variant.Name, segment.Index), content, cancellationToken);
        }
        try
        {
            await variants.RegisterSegmentAsync(variant.VideoId, variant.Name, segment.Index, segment.DurationSeconds, lease, cancellationToken);
        }
        catch (LeaseLostException)
        {
            // If the video was deleted meanwhile, nothing must be left behind by this late write.
            if (await runtime.Store.ReadAsync(VideoGrain.IdOf(variant.VideoId), CancellationToken.None) is null)
            {
                await storage.DeletePrefixAsync(StorageKeys.VideoPrefix(variant.ProjectId, variant.VideoId), CancellationToken.None);
            }
            throw;
        }
        File.Delete(segment.LocalPath);
    }
}
