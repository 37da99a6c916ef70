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
            var listed = await keyframes;
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

    /// <summary>
    /// The source's keyframes, or null: for a source still arriving (its final probe lists them), when the scan is off,
    /// fails, or outlasts its budget. Never throws: the chunks are then evenly spaced.
    /// </summary>
    private async Task<double[]?> ScanKeyframesAsync(WorkAssignment work, MediaInput source, string scratch, CancellationToken cancellationToken)
    {
        var budget = options.Value.KeyframeScanSeconds;
        if (source.Growing || budget <= 0)
        {
            return null;
        }
        try
        {
            var keyframes = await prober.KeyframesAsync(source, scratch, TimeSpan.FromSeconds(budget), cancellationToken);
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
}
