using Streamio.Backbone;
using Streamio.Grains.Videos;
using Streamio.Media;
using Streamio.Storage;

namespace Streamio.Grains.Work;

/// <summary>Probes the uploaded source: an accepted one is planned and encoded, a refused one fails the video with the reason.</summary>
public sealed class ProbeHandler(VideoGrain videos, GrainRuntime runtime, IObjectStorage storage, IMediaProber prober) : IWorkHandler
{
    public string Kind => WorkKinds.Probe;

    public async Task HandleAsync(WorkLease lease, CancellationToken cancellationToken)
    {
        var videoId = WorkKinds.Read<VideoWork>(lease).VideoId;
        if (!await videos.StartProbingAsync(videoId, lease, cancellationToken)
            || await runtime.ReadAsync<VideoState>(VideoGrain.IdOf(videoId), cancellationToken) is not { } video)
        {
            return;
        }
        var source = await storage.LocateForReadingAsync(video.SourceKey, TimeSpan.FromHours(1), cancellationToken);
        MediaProbe probe;
        try
        {
            probe = await prober.ProbeAsync(new MediaInput(source.Location, source.Protocols), cancellationToken);
        }
        catch (MediaRejectedException rejected)
        {
            await videos.FailAsync(videoId, rejected.Message, lease, cancellationToken);
            return;
        }
        var facts = new SourceFacts(probe.FormatName, probe.DurationSeconds, probe.Video.Width, probe.Video.Height, probe.Video.FrameRate, probe.Audio is not null);
        await videos.OnProbedAsync(videoId, facts, lease, cancellationToken);
    }

    public Task OnExhaustedAsync(WorkLease lease, string error, CancellationToken cancellationToken) =>
        videos.FailAsync(WorkKinds.Read<VideoWork>(lease).VideoId, $"Probing failed after {lease.MaxAttempts} attempts: {error}", lease, cancellationToken);
}
