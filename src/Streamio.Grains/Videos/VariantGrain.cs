using System.Text.Json;
using Microsoft.Extensions.Options;
using Streamio.Backbone;
using Streamio.Grains.Planning;
using Streamio.Grains.Work;

namespace Streamio.Grains.Videos;

/// <summary>The variant grain: one rendition's segment list. Registration is idempotent and tells the video when it matters.</summary>
public sealed class VariantGrain(GrainRuntime runtime, IOptions<EncodingOptions> options)
{
    public const string GrainType = "variant";

    public static GrainId IdOf(string videoId, string rendition) => new(GrainType, VariantState.GrainKey(videoId, rendition));

    public Task<VariantState?> ReadAsync(string videoId, string rendition, CancellationToken cancellationToken) =>
        runtime.ReadAsync<VariantState>(IdOf(videoId, rendition), cancellationToken);

    public async Task<IReadOnlyList<VariantState>> ReadAllAsync(string videoId, CancellationToken cancellationToken) =>
        Deserialize(await runtime.Store.ReadByPrefixAsync(GrainType, $"{videoId}/", cancellationToken));

    internal static async Task<IReadOnlyList<VariantState>> ReadAllAsync<T>(GrainTransaction<T> call, string videoId, CancellationToken cancellationToken)
        where T : class =>
        Deserialize(await call.ReadByPrefixAsync(GrainType, $"{videoId}/", cancellationToken));

    private static List<VariantState> Deserialize(IReadOnlyList<GrainSnapshot> snapshots) =>
        snapshots.Select(snapshot => JsonSerializer.Deserialize<VariantState>(snapshot.StateJson, GrainRuntime.Json)!).ToList();

    /// <summary>
    /// Registers a closed, encrypted, stored segment. Returns false when it was already registered (a redone chunk).
    /// The first segment and the completing one schedule a video sync (playable / finished).
    /// </summary>
    public Task<bool> RegisterSegmentAsync(string videoId, string rendition, int index, double durationSeconds, WorkLease lease, CancellationToken cancellationToken) =>
        runtime.CallAsync<VariantState, bool>(IdOf(videoId, rendition), call =>
        {
            if (call.State is not { } variant || variant.Complete || !variant.Segments.TryAdd(index, durationSeconds))
            {
                return Task.FromResult(false);
            }
            call.Save();
            var completes = !variant.IsAudio && variant.Segments.Count >= variant.SegmentCount;
            variant.Complete |= completes;
            if (index == 0 || completes)
            {
                call.Enqueue(WorkKinds.Create(WorkKinds.Sync, new VideoWork(videoId), videoId, WorkKinds.SyncPriority, options.Value.MaxAttempts));
            }
            call.Publish(new NewEvent(VideoEvents.Topic, videoId,
                JsonSerializer.Serialize(new VideoEventPayload(VideoEvents.Progress, videoId, VideoStatus.Encoding, null), GrainRuntime.Json)));
            return Task.FromResult(true);
        }, cancellationToken, lease);

    /// <summary>
    /// The encoder finished the rendition's last run and produced <paramref name="segmentCount"/> segments in all: that
    /// is its true length (the probe's duration is only an estimate).
    /// </summary>
    public Task CompleteAsync(string videoId, string rendition, int segmentCount, WorkLease lease, CancellationToken cancellationToken) =>
        runtime.CallAsync<VariantState, bool>(IdOf(videoId, rendition), call =>
        {
            if (call.State is not { Complete: false } variant)
            {
                return Task.FromResult(false);
            }
            variant.SegmentCount = segmentCount;
            if (variant.Segments.Count >= segmentCount)
            {
                variant.Complete = true;
                call.Enqueue(WorkKinds.Create(WorkKinds.Sync, new VideoWork(videoId), videoId, WorkKinds.SyncPriority, options.Value.MaxAttempts));
            }
            call.Save();
            return Task.FromResult(true);
        }, cancellationToken, lease);
}
