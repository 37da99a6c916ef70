using Streamio.Abstractions.Videos;
using Streamio.Abstractions.Work;
using Streamio.Media;
using Streamio.Storage;

namespace Streamio.Grains.Work;

/// <summary>Probes the uploaded source: an accepted one is planned and encoded, a refused one fails the video with the reason.</summary>
public sealed class ProbeRunner(IGrainFactory grains, IObjectStorage storage, IMediaProber prober) : IWorkRunner
{
    public WorkKind Kind => WorkKind.Probe;

    public async Task RunAsync(WorkAssignment work, CancellationToken cancellationToken)
    {
        var video = grains.GetGrain<IVideoGrain>(work.VideoId);
        var source = await SourceInputs.ForAsync(storage, work, TimeSpan.FromHours(1), cancellationToken);
        MediaProbe probe;
        try
        {
            probe = await prober.ProbeAsync(source, cancellationToken);
        }
        catch (MediaRejectedException rejected)
        {
            await Reports.RetryAsync(() => video.OnRejectedAsync(work.ItemId, work.Attempt, rejected.Message));
            return;
        }
        var facts = new SourceFacts(probe.FormatName, probe.DurationSeconds, probe.Video.Width, probe.Video.Height, probe.Video.FrameRate, probe.Audio is not null);
        await Reports.RetryAsync(() => video.OnProbedAsync(work.ItemId, work.Attempt, facts));
    }
}
