using Microsoft.Extensions.Options;
using Streamio.Abstractions.Uploads;

namespace Streamio.Host.Uploads.Tus;

/// <summary>
/// On every API node: removes expired uploads with their parts, finishes full uploads a crash left unfinished, and
/// clears scratch files a crash left behind. It walks the uploads the tus directory grain lists and reads each through
/// its grain. Nodes may race; every step is guarded or idempotent.
/// </summary>
public sealed partial class TusSweeper(
    IGrainFactory grains,
    TusPartStore parts,
    TusFinisher finisher,
    TusScratch scratch,
    Progressive.ProgressiveIntake progressive,
    TimeProvider time,
    IOptions<TusOptions> options,
    ILogger<TusSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(0.1, options.Value.SweepIntervalSeconds)), time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                LogSweepFailed(logger, error);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass; returns how many expired uploads it removed.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var removed = 0;
        var now = time.GetUtcNow();
        foreach (var uploadId in await TusUploadDirectory.Of(grains).ListAsync())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var grain = grains.GetGrain<ITusUploadGrain>(uploadId);
            if (await grain.GetAsync() is not { } upload)
            {
                await grain.DeleteIfExpiredAsync(now); // a listing a crash left behind: the grain delists itself
            }
            else if (upload.IsExpired(now))
            {
                if (await grain.DeleteIfExpiredAsync(now))
                {
                    await parts.DeleteAllAsync(upload, cancellationToken);
                    // Encoded while uploading: the encode stops and the video goes with the upload.
                    await progressive.AbandonAsync(upload.ProjectId, upload.VideoId, "the upload expired");
                    LogExpired(logger, upload.Id, upload.Offset, upload.Length);
                    removed++;
                }
            }
            else if (upload is { IsFull: true, Completed: false })
            {
                await finisher.FinishAsync(upload, cancellationToken);
            }
        }
        scratch.DeleteAbandoned(TimeSpan.FromHours(1));
        return removed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Upload {UploadId} expired at {Offset} of {Length} bytes and was removed")]
    private static partial void LogExpired(ILogger logger, string uploadId, long offset, long length);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping expired uploads failed; the next pass retries")]
    private static partial void LogSweepFailed(ILogger logger, Exception error);
}
