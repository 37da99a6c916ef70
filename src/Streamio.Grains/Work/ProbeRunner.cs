using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Streamio.Abstractions.Videos;
using Streamio.Abstractions.Work;
using Streamio.Grains.Planning;
using Streamio.Media;
using Streamio.Storage;

namespace Streamio.Grains.Work;

/// <summary>
/// Probes the uploaded source: an accepted one is planned and encoded, a refused one fails the video with the reason.
/// A new video's fast start begins at the same time (<see cref="EarlyFastStarts"/>); when the plan wants that encode, the
/// video assigns the fast start to this silo and this worker goes on with it. A stored source's keyframes are listed
/// at the same time, for the chunk plan.
/// </summary>
public sealed partial class ProbeRunner(
    IGrainFactory grains, IObjectStorage storage, IMediaProber prober, EarlyFastStarts earlyStarts, IOptions<EncodingOptions> options, ILogger<ProbeRunner> logger)
    : IWorkRunner
{
    public WorkKind Kind => WorkKind.Probe;

    public async Task<WorkAssignment?> RunAsync(WorkAssignment work, CancellationToken cancellationToken)
    {
        var video = grains.GetGrain<IVideoGrain>(work.VideoId);
        var source = await SourceInputs.ForAsync(storage, work, TimeSpan.FromHours(1), cancellationToken);
        var early = earlyStarts.Start(work, source);
        var scratch = Scratch.For(options.Value.WorkPath, work, "probe");
        using var scanStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var keyframes = ScanKeyframesAsync(work, source, scratch, scanStop.Token);
        WorkAssignment? fastStart = null;
        try
        {
            MediaProbe probe;
            try
            {
                probe = await prober.ProbeAsync(source, cancellationToken);
            }
            catch (MediaRejectedException rejected)
            {
                await Reports.RetryAsync(() => video.OnRejectedAsync(work.ItemId, work.Attempt, rejected.Message));
                return null;
            }
            var facts = new SourceFacts(probe.FormatName, probe.DurationSeconds, probe.Video.Width, probe.Video.Height, probe.Video.FrameRate, probe.Audio is not null);
            var listed = await ListedInTimeAsync(work, keyframes, scanStop);
            await Reports.RetryAsync(async () => fastStart = await video.OnProbedAsync(work.ItemId, work.Attempt, facts, early?.Guess, listed));
            return fastStart;
        }
        finally
        {
            await scanStop.CancelAsync();
            await keyframes;
            Scratch.DeleteQuietly(scratch);
            if (early is not null)
            {
                earlyStarts.Settle(early, fastStart);
            }
        }
    }

    /// <summary>A safety cap on the keyframe list's FFmpeg run; the wait past the probe's answer stops it much sooner.</summary>
    private static readonly TimeSpan ScanTimeout = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The keyframe list when it is ready within <see cref="EncodingOptions.KeyframeWaitSeconds"/> of the probe's answer;
    /// otherwise the scan is stopped and the plan does without (the fast start and the audio wait for this report).
    /// </summary>
    private async Task<double[]?> ListedInTimeAsync(WorkAssignment work, Task<double[]?> scan, CancellationTokenSource stop)
    {
        var wait = TimeSpan.FromSeconds(Math.Max(0, options.Value.KeyframeWaitSeconds));
        if (!scan.IsCompleted && await Task.WhenAny(scan, Task.Delay(wait, CancellationToken.None)) != scan)
        {
            LogScanLate(work.VideoId, wait.TotalSeconds);
            await stop.CancelAsync();
        }
        return await scan;
    }

    /// <summary>
    /// The source's keyframes, or null: for a source still arriving (its final probe lists them), when the scan is off,
    /// fails, or is stopped. Never throws: the chunks are then evenly spaced.
    /// </summary>
    private async Task<double[]?> ScanKeyframesAsync(WorkAssignment work, MediaInput source, string scratch, CancellationToken cancellationToken)
    {
        if (source.Growing || options.Value.KeyframeWaitSeconds <= 0)
        {
            return null;
        }
        try
        {
            var keyframes = await prober.KeyframesAsync(source, scratch, ScanTimeout, cancellationToken);
            return keyframes.Count > 0 ? [.. keyframes] : null;
        }
        catch (Exception error)
        {
            // Whatever went wrong (FFmpeg, the scratch folder, the budget), the plan does without: never the probe's failure.
            if (!cancellationToken.IsCancellationRequested)
            {
                LogScanFailed(work.VideoId, error.Message);
            }
            return null;
        }
    }

    [LoggerMessage(LogLevel.Information, "Video {VideoId}: the source's keyframes were not listed ({Reason}); its chunks are evenly spaced")]
    private partial void LogScanFailed(string videoId, string reason);

    [LoggerMessage(LogLevel.Information, "Video {VideoId}: the source's keyframes were not listed {WaitSeconds} s after the probe's answer; its chunks are evenly spaced")]
    private partial void LogScanLate(string videoId, double waitSeconds);
}
