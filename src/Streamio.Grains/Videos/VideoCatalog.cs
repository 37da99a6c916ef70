using Streamio.Backbone;

namespace Streamio.Grains.Videos;

/// <summary>A video with its variants, as read for the API and for playback.</summary>
public sealed record VideoSnapshot(VideoState Video, IReadOnlyList<VariantState> Variants, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public bool Playable => Video.Status is VideoStatus.Encoding or VideoStatus.Ready && VideoPlayability.IsPlayable(Variants);

    /// <summary>0..1: segments done over segments planned, across every rendition.</summary>
    public double Progress => Video.Status switch
    {
        VideoStatus.Ready => 1,
        VideoStatus.Encoding when Variants.Count > 0 => Math.Round(Variants.Average(variant => variant.Progress), 4),
        _ => 0,
    };

    public VariantState? Variant(string name) => Variants.FirstOrDefault(variant => variant.Name == name);
}

/// <summary>The read side: one video, or a newest-first page of them.</summary>
public sealed class VideoCatalog(GrainRuntime runtime, VariantGrain variants)
{
    public async Task<VideoSnapshot?> GetAsync(string videoId, CancellationToken cancellationToken)
    {
        var snapshot = await runtime.Store.ReadAsync(VideoGrain.IdOf(videoId), cancellationToken);
        return snapshot is null ? null : await ToSnapshotAsync(snapshot, cancellationToken);
    }

    /// <summary>The video if it belongs to <paramref name="projectId"/>; another project's video is indistinguishable from none.</summary>
    public async Task<VideoSnapshot?> GetInProjectAsync(string projectId, string videoId, CancellationToken cancellationToken) =>
        await GetAsync(videoId, cancellationToken) is { } video && video.Video.ProjectId == projectId ? video : null;

    /// <summary>Just the video's state (one read): enough to find its objects.</summary>
    public Task<VideoState?> GetStateAsync(string videoId, CancellationToken cancellationToken) =>
        runtime.ReadAsync<VideoState>(VideoGrain.IdOf(videoId), cancellationToken);

    /// <summary>A newest-first page of one project's videos; the cursor is the last item's position in the project's index.</summary>
    public async Task<(IReadOnlyList<VideoSnapshot> Items, GrainPageCursor? Next)> ListAsync(string projectId, GrainPageCursor? after, int limit, CancellationToken cancellationToken)
    {
        var page = await runtime.Store.PageAsync(VideoGrain.ProjectIndexType, $"{projectId}/", after, limit + 1, cancellationToken);
        var items = new List<VideoSnapshot>();
        foreach (var entry in page.Take(limit))
        {
            var videoId = entry.Id.Key[(projectId.Length + 1)..];
            if (await runtime.Store.ReadAsync(VideoGrain.IdOf(videoId), cancellationToken) is { } snapshot)
            {
                items.Add(await ToSnapshotAsync(snapshot, cancellationToken));
            }
        }
        var next = page.Count > limit ? new GrainPageCursor(page[limit - 1].CreatedAt.ToUnixTimeMilliseconds(), page[limit - 1].Id.Key) : null;
        return (items, next);
    }

    private async Task<VideoSnapshot> ToSnapshotAsync(GrainSnapshot snapshot, CancellationToken cancellationToken)
    {
        var video = System.Text.Json.JsonSerializer.Deserialize<VideoState>(snapshot.StateJson, GrainRuntime.Json)!;
        var renditions = video.Plan is null ? [] : await variants.ReadAllAsync(video.Id, cancellationToken);
        return new VideoSnapshot(video, renditions, snapshot.CreatedAt, snapshot.UpdatedAt);
    }
}
