using Microsoft.Extensions.Options;
using Streamio.Grains.Uploads;
using Streamio.Grains.Videos;
using Streamio.Storage;

namespace Streamio.Host.Uploads.Tus;

/// <summary>
/// Turns a full upload into a video the way <c>POST /v1/videos</c> does: the bytes become the video's source in
/// storage, then the video grain is created (which schedules the probe). Safe to run again after a crash or from
/// another node: the video id was reserved when the upload was created, and a video that exists is not made twice.
/// </summary>
public sealed partial class TusFinisher(
    UploadGrain uploads,
    VideoGrain videos,
    VideoCatalog catalog,
    IObjectStorage storage,
    TusPartStore parts,
    TimeProvider time,
    IOptions<TusOptions> options,
    ILogger<TusFinisher> logger)
{
    /// <summary>The video id once the video exists; null while the upload is not full.</summary>
    public async Task<string?> FinishAsync(UploadState upload, CancellationToken cancellationToken)
    {
        if (upload.Completed)
        {
            return upload.VideoId;
        }
        if (!upload.IsFull)
        {
            return null;
        }
        if (await catalog.GetAsync(upload.VideoId, cancellationToken) is null)
        {
            var sourceKey = StorageKeys.Source(upload.VideoId);
            await using (var bytes = await parts.OpenAsync(upload.Id, upload.Length, cancellationToken))
            {
                await storage.PutAsync(sourceKey, bytes, cancellationToken);
            }
            try
            {
                await videos.CreateAsync(upload.VideoId, upload.Title ?? upload.FileName, sourceKey, upload.Length, cancellationToken);
                LogFinished(logger, upload.Id, upload.VideoId, upload.Length);
            }
            catch (InvalidOperationException)
            {
                // Another node finished the same upload first; anything else is a real failure.
                if (await catalog.GetAsync(upload.VideoId, cancellationToken) is null)
                {
                    throw;
                }
            }
        }
        await uploads.MarkCompletedAsync(upload.Id, time.GetUtcNow() + options.Value.Expiration, cancellationToken);
        await parts.DeleteAllAsync(upload.Id, cancellationToken);
        return upload.VideoId;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Upload {UploadId} is complete ({Bytes} bytes): video {VideoId} created")]
    private static partial void LogFinished(ILogger logger, string uploadId, string videoId, long bytes);
}
