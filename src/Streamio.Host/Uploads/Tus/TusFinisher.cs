using Microsoft.Extensions.Options;
using Streamio.Abstractions.Uploads;
using Streamio.Abstractions.Videos;
using Streamio.Host.Uploads.Progressive;
using Streamio.Media;
using Streamio.Storage;

namespace Streamio.Host.Uploads.Tus;

/// <summary>
/// Turns a full upload into a video the way <c>POST /v1/videos</c> does: the bytes become the video's source in
/// storage, then the video is created (which schedules the probe). Safe to run again after a crash or from another
/// node: the video id was reserved when the upload was created, and a video that exists is not made twice.
/// </summary>
public sealed partial class TusFinisher(
    IGrainFactory grains,
    VideoIntake intake,
    IObjectStorage storage,
    TusPartStore parts,
    ProgressiveIntake progressive,
    GrowingSources growing,
    TimeProvider time,
    IOptions<TusOptions> options,
    ILogger<TusFinisher> logger)
{
    // A final PATCH and a HEAD (or the sweeper) may try to finish the same upload at once: one at a time per process.
    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, 16).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>The video id once the video exists; null while the upload is not full.</summary>
    public async Task<string?> FinishAsync(TusUploadView upload, CancellationToken cancellationToken)
    {
        if (upload.Completed || !upload.IsFull)
        {
            return upload.Completed ? upload.VideoId : null;
        }
        var stripe = _stripes[(upload.Id.GetHashCode() & int.MaxValue) % _stripes.Length];
        await stripe.WaitAsync(cancellationToken);
        try
        {
            // Read again under the lock: whoever held it may have finished the upload (or it was terminated).
            var grain = grains.GetGrain<ITusUploadGrain>(upload.Id);
            if (await grain.GetAsync() is not { IsFull: true } current)
            {
                return null;
            }
            if (!current.Completed)
            {
                await CreateVideoAsync(current, cancellationToken);
                await grain.MarkCompletedAsync(time.GetUtcNow() + options.Value.Expiration);
            }
            await parts.DeleteAllAsync(current, cancellationToken);
            return current.VideoId;
        }
        finally
        {
            stripe.Release();
        }
    }

    private async Task CreateVideoAsync(TusUploadView upload, CancellationToken cancellationToken)
    {
        var video = grains.GetGrain<IVideoGrain>(upload.VideoId);
        var existing = await video.GetAsync();
        if (existing is not null && existing.Status != VideoStatus.Uploading)
        {
            return;
        }
        var sourceKey = StorageKeys.Source(upload.ProjectId, upload.VideoId);
        try
        {
            await using (var bytes = await parts.OpenAsync(upload, cancellationToken))
            {
                await storage.PutAsync(sourceKey, bytes, cancellationToken);
            }
            if (existing is not null)
            {
                // Encoded while uploading: the stored source takes over from the growing copy.
                await progressive.CompleteAsync(upload.VideoId, growing.Find(upload.VideoId), upload.Length, null);
                LogFinished(logger, upload.Id, upload.VideoId, upload.Length);
                return;
            }
            await intake.CreateAsync(upload.ProjectId, upload.VideoId, upload.Title ?? upload.FileName, sourceKey, upload.Length, cancellationToken, WithLogo(upload),
                progressive: ProgressiveIntake.LayoutRefusal(await LayoutAsync(sourceKey, cancellationToken)) is { } reason ? new ProgressiveInfo(false, reason) : null);
            LogFinished(logger, upload.Id, upload.VideoId, upload.Length);
        }
        catch (Exception error) when (error is InvalidOperationException or InvalidDataException)
        {
            // Another node finished the same upload first (the video exists, its parts are gone); anything else is a real failure.
            if (await video.GetAsync() is null)
            {
                throw;
            }
        }
    }

    /// <summary>The upload's <c>logo</c> metadata (checked when the upload was created).</summary>
    public static bool WithLogo(TusUploadView upload) =>
        LogoChoice.Parse(TusProtocol.ParseMetadata(upload.Metadata, out _)?.GetValueOrDefault(LogoChoice.Field), out _) ?? true;

    /// <summary>The stored source's layout, for the video's details (the head was too short, or a PATCH went elsewhere, when it reads from the front).</summary>
    private async Task<SourceLayout?> LayoutAsync(string sourceKey, CancellationToken cancellationToken)
    {
        await using var stored = await storage.OpenReadAsync(sourceKey, cancellationToken);
        if (stored is null)
        {
            return null;
        }
        var head = new byte[64 * 1024];
        var read = await stored.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        return SourceLayout.Detect(head.AsSpan(0, read));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Upload {UploadId} is complete ({Bytes} bytes): video {VideoId} created")]
    private static partial void LogFinished(ILogger logger, string uploadId, string videoId, long bytes);
}
