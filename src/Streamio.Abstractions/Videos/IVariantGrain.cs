namespace Streamio.Abstractions.Videos;

/// <summary>
/// One rendition of a video (key: "{videoId}/{rendition}"): its AES-128 key and its segment list, and when the rendition
/// also has CMAF output, its CENC key and KID and the start time of each CMAF segment. Registration is
/// idempotent, so a chunk that ran twice registers each segment once. A variant never calls its video.
/// </summary>
public interface IVariantGrain : IGrainWithStringKey
{
    /// <summary>Creates the variant with a fresh random key; a second call with the same plan is a no-op.</summary>
    Task InitializeAsync(VariantPlan plan);

    /// <summary>
    /// Creates a complete variant from a live recording: the session's key and every segment's duration, and its CMAF
    /// twins' CENC key and starts when it has them (a no-op when it exists).
    /// </summary>
    Task InitializeRecordedAsync(VariantPlan plan, byte[] key, IReadOnlyList<double> durations, RecordedCmaf? cmaf = null);

    [ReadOnly]
    Task<VariantView?> GetAsync();

    /// <summary>The rendition's key, or null when there is no such variant. Never leaves except to a valid token holder.</summary>
    [ReadOnly]
    Task<byte[]?> GetKeyAsync();

    /// <summary>The rendition's CENC key and KID, or null: no such variant, or no CMAF output (encoded before it, or DASH off).</summary>
    [ReadOnly]
    Task<CencKeyPair?> GetCencKeyAsync();

    Task<SegmentRegistration> RegisterSegmentAsync(int index, double durationSeconds);

    /// <summary>
    /// The CMAF twin of segment <paramref name="index"/> is stored; it starts at <paramref name="startTime"/> (its tfdt)
    /// in <paramref name="timescale"/> ticks per second, which must be the same for every segment of the rendition.
    /// </summary>
    Task<SegmentRegistration> RegisterCmafSegmentAsync(int index, long startTime, int timescale);

    /// <summary>The encoder's last run produced <paramref name="segmentCount"/> segments in all: the rendition's true length.</summary>
    Task<SegmentRegistration> CompleteAsync(int segmentCount);

    /// <summary>The plan's segment count, known once a video encoded while uploading has its whole source (the head's was provisional).</summary>
    Task PlanSegmentsAsync(int segmentCount);

    Task DeleteAsync();
}

/// <summary>A CENC content key and its key id (KID), 16 bytes each.</summary>
[GenerateSerializer, Immutable]
public sealed record CencKeyPair(byte[] KeyId, byte[] Key);

public static class VariantKeys
{
    public static string Of(string videoId, string rendition) => $"{videoId}/{rendition}";
}
