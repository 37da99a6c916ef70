using Streamio.Abstractions.Videos;
using Streamio.Abstractions.Work;
using Streamio.Media;
using Streamio.Storage;

namespace Streamio.Grains.Work;

/// <summary>
/// Probes the uploaded source: an accepted one is planned and encoded, a refused one fails the video with the reason.
/// A new video's fast start begins at the same time (<see cref="EarlyFastStarts"/>); when the plan wants that encode, the
/// video assigns the fast start to this silo and this worker goes on with it.
/// </summary>
public sealed class ProbeRunner(IGrainFactory grains, IObjectStorage storage, IMediaProber prober, EarlyFastStarts earlyStarts) : IWorkRunner
{
    public WorkKind Kind => WorkKind.Probe;

    public async Task<WorkAssignment?> RunAsync(WorkAssignment work, CancellationToken cancellationToken)
    {
        var video = grains.GetGrain<IVideoGrain>(work.VideoId);
        var source = await SourceInputs.ForAsync(storage, work, TimeSpan.FromHours(1), cancellationToken);
        var early = earlyStarts.Start(work, source);
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
            await Reports.RetryAsync(async () => fastStart = await video.OnProbedAsync(work.ItemId, work.Attempt, facts, early?.Guess));
            return fastStart;
        }
        finally
        {
            if (early is not null)
            {
                earlyStarts.Settle(early, fastStart);
            }
        }
    }
}
