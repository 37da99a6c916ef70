namespace Streamio.Abstractions.Videos;

/// <summary>
/// One rendition of a video (key: "{videoId}/{rendition}"): its AES-128 key and its segment list. Registration is
/// idempotent, so a chunk that ran twice registers each segment once. A variant never calls its video.
/// </summary>
public interface IVariantGrain : IGrainWithStringKey
{
    /// <summary>Creates the variant with a fresh random key; a second call with the same plan is a no-op.</summary>
    Task InitializeAsync(VariantPlan plan);

    /// <summary>Creates a complete variant from a live recording: the session's key and every segment's duration (a no-op when it exists).</summary>
    Task InitializeRecordedAsync(VariantPlan plan, byte[] key, IReadOnlyList<double> durations);

    [ReadOnly]
    Task<VariantView?> GetAsync();

    /// <summary>The rendition's key, or null when there is no such variant. Never leaves except to a valid token holder.</summary>
    [ReadOnly]
    Task<byte[]?> GetKeyAsync();

    Task<SegmentRegistration> RegisterSegmentAsync(int index, double durationSeconds);

    /// <summary>The encoder's last run produced <paramref name="segmentCount"/> segments in all: the rendition's true length.</summary>
    Task<SegmentRegistration> CompleteAsync(int segmentCount);

    Task DeleteAsync();
}

public static class VariantKeys
{
    public static string Of(string videoId, string rendition) => $"{videoId}/{rendition}";
}
