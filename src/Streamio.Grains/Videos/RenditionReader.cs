using Streamio.Abstractions.Videos;
using Streamio.Media;
using Streamio.Storage;

namespace Streamio.Grains.Videos;

/// <summary>Reads a rendition back: its segments decrypted and joined in order (MPEG-TS segments concatenate into one stream).</summary>
public static class RenditionReader
{
    public static async Task DecryptToFileAsync(IObjectStorage storage, VariantView variant, byte[] key, string path, CancellationToken cancellationToken)
    {
        await using var output = File.Create(path);
        foreach (var index in variant.Registered.Order())
        {
            await using var stored = await storage.OpenReadAsync(StorageKeys.Segment(variant.ProjectId, variant.VideoId, variant.Name, index), cancellationToken)
                ?? throw new InvalidOperationException($"Segment {index} of {variant.VideoId}/{variant.Name} is missing from storage.");
            using var buffer = new MemoryStream();
            await stored.CopyToAsync(buffer, cancellationToken);
            await output.WriteAsync(SegmentCipher.Decrypt(buffer.ToArray(), key, index), cancellationToken);
        }
    }
}
