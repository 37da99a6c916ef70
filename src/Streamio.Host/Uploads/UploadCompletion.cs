using Microsoft.Extensions.Options;
using Streamio.Abstractions.Uploads;
using Streamio.Abstractions.Videos;
using Streamio.Storage;
using Streamio.Host.Configuration;

namespace Streamio.Host.Uploads;

public enum UploadOutcomeKind
{
    /// <summary>This completion created the video.</summary>
    Created,

    /// <summary>An earlier completion (call or notification) created it; nothing new was made.</summary>
    AlreadyCompleted,

    /// <summary>No object at the upload's key yet.</summary>
    NotUploaded,

    Empty,

    /// <summary>The object is over the limit; it was deleted.</summary>
    TooLarge,

    /// <summary>Completed earlier, but its video has since been deleted.</summary>
    VideoGone,
}

public sealed record UploadOutcome(UploadOutcomeKind Kind, VideoView? Video = null, long Limit = 0);

/// <summary>
/// Turns a finished direct upload into its video, once: from POST /v1/uploads/{id}/complete or from an S3 event
/// notification, in any order and any number of times. The video id was fixed when the upload was created, so a race
/// between two completions ends with one video (the video grain refuses a second creation).
/// </summary>
public sealed class UploadCompletion(IGrainFactory grains, VideoIntake intake, IObjectStorage storage, IOptions<StreamioOptions> options)
{
    public static long LimitOf(UploadView upload, long maxUploadBytes) => Math.Min(maxUploadBytes, upload.DeclaredBytes ?? long.MaxValue);

    public async Task<UploadOutcome> CompleteAsync(UploadView upload, CancellationToken cancellationToken)
    {
        if (upload.Status == UploadStatus.Completed)
        {
            return await VideoAsync(upload.VideoId) is { } done
                ? new UploadOutcome(UploadOutcomeKind.AlreadyCompleted, done)
                : new UploadOutcome(UploadOutcomeKind.VideoGone);
        }
        var limit = LimitOf(upload, options.Value.MaxUploadBytes);
        switch (await storage.GetSizeAsync(upload.Key, cancellationToken))
        {
            case null:
                return new UploadOutcome(UploadOutcomeKind.NotUploaded);
            case 0:
                return new UploadOutcome(UploadOutcomeKind.Empty);
            case { } size when size > limit:
                await storage.DeleteAsync(upload.Key, cancellationToken);
                return new UploadOutcome(UploadOutcomeKind.TooLarge, Limit: limit);
            case { } size:
                var (video, created) = await CreateOnceAsync(upload, size, cancellationToken);
                await grains.GetGrain<IUploadGrain>(upload.Id).MarkCompletedAsync();
                return new UploadOutcome(created ? UploadOutcomeKind.Created : UploadOutcomeKind.AlreadyCompleted, video);
        }
    }

    private async Task<(VideoView Video, bool Created)> CreateOnceAsync(UploadView upload, long size, CancellationToken cancellationToken)
    {
        if (await VideoAsync(upload.VideoId) is { } existing)
        {
            return (existing, false);
        }
        try
        {
            return (await intake.CreateAsync(upload.ProjectId, upload.VideoId, upload.Title, upload.Key, size, cancellationToken, upload.WithLogo), true);
        }
        catch (InvalidOperationException)
        {
            // Another completion won the race between our read and our create.
            return (await VideoAsync(upload.VideoId) ?? throw new InvalidOperationException(
                $"Video {upload.VideoId} of upload {upload.Id} could neither be created nor found."), false);
        }
    }

    private Task<VideoView?> VideoAsync(string videoId) => grains.GetGrain<IVideoGrain>(videoId).GetAsync();
}
