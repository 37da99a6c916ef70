using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Streamio.Backbone;
using Streamio.Grains.Videos;
using Streamio.Storage;

namespace Streamio.Grains.Work;

/// <summary>At start-up, repairs what a ready video is missing: a video without its poster or storyboard gets them again.</summary>
public sealed partial class ImageReconciler(GrainRuntime runtime, VideoGrain videos, IObjectStorage storage, ILogger<ImageReconciler> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var repaired = await ReconcileAsync(stoppingToken);
            if (repaired > 0)
            {
                LogRepaired(repaired);
            }
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            LogFailed(error);
        }
    }

    /// <summary>Returns how many videos had their images scheduled for repair.</summary>
    public async Task<int> ReconcileAsync(CancellationToken cancellationToken)
    {
        var repaired = 0;
        GrainPageCursor? cursor = null;
        while (true)
        {
            var page = await runtime.Store.PageAsync(VideoGrain.GrainType, "", cursor, 200, cancellationToken);
            foreach (var snapshot in page)
            {
                var video = System.Text.Json.JsonSerializer.Deserialize<VideoState>(snapshot.StateJson, GrainRuntime.Json)!;
                if (video.Status == VideoStatus.Ready && !await HasImagesAsync(video.ProjectId, video.Id, cancellationToken)
                    && await videos.RepairImagesAsync(video.Id, cancellationToken))
                {
                    repaired++;
                }
            }
            if (page.Count < 200)
            {
                return repaired;
            }
            cursor = new GrainPageCursor(page[^1].CreatedAt.ToUnixTimeMilliseconds(), page[^1].Id.Key);
        }
    }

    private async Task<bool> HasImagesAsync(string projectId, string videoId, CancellationToken cancellationToken) =>
        await storage.ExistsAsync(StorageKeys.Poster(projectId, videoId), cancellationToken)
        && await storage.ExistsAsync(StorageKeys.StoryboardSprite(projectId, videoId), cancellationToken)
        && await storage.ExistsAsync(StorageKeys.StoryboardVtt(projectId, videoId), cancellationToken);

    [LoggerMessage(LogLevel.Information, "Scheduled image repair for {Count} ready videos")]
    private partial void LogRepaired(int count);

    [LoggerMessage(LogLevel.Warning, "Reconciling video images failed")]
    private partial void LogFailed(Exception error);
}
