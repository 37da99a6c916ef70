using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Streamio.Abstractions.Projects;
using Streamio.Abstractions.Videos;
using Streamio.Storage;

namespace Streamio.Grains.Work;

/// <summary>At start-up, repairs what a ready video is missing: a video without its poster or storyboard gets them again.</summary>
public sealed partial class ImageReconciler(IGrainFactory grains, IObjectStorage storage, ILogger<ImageReconciler> logger) : BackgroundService
{
    private const int PageSize = 100;

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

    /// <summary>Walks every project's listing; returns how many videos had their images scheduled for repair.</summary>
    public async Task<int> ReconcileAsync(CancellationToken cancellationToken)
    {
        var repaired = 0;
        var projects = (await grains.GetGrain<IProjectDirectoryGrain>(0).ListAsync()).Append("default").Distinct();
        foreach (var projectId in projects)
        {
            VideoIndexCursor? cursor = null;
            do
            {
                var page = await grains.GetGrain<IProjectVideosGrain>(projectId).PageAsync(cursor, PageSize);
                foreach (var videoId in page.VideoIds)
                {
                    var video = grains.GetGrain<IVideoGrain>(videoId);
                    if (await video.GetAsync() is { Status: VideoStatus.Ready } ready
                        && !await HasImagesAsync(ready.ProjectId, videoId, cancellationToken)
                        && await video.RepairImagesAsync())
                    {
                        repaired++;
                    }
                }
                cursor = page.Next;
            }
            while (cursor is not null);
        }
        return repaired;
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
