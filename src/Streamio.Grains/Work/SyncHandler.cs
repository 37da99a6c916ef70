using Streamio.Backbone;
using Streamio.Grains.Videos;

namespace Streamio.Grains.Work;

/// <summary>Lets the video grain look at its variants after one of them changed in a way that matters.</summary>
public sealed class SyncHandler(VideoGrain videos) : IWorkHandler
{
    public string Kind => WorkKinds.Sync;

    public Task HandleAsync(WorkLease lease, CancellationToken cancellationToken) =>
        videos.SyncAsync(WorkKinds.Read<VideoWork>(lease).VideoId, lease, cancellationToken);

    public Task OnExhaustedAsync(WorkLease lease, string error, CancellationToken cancellationToken) =>
        videos.FailAsync(WorkKinds.Read<VideoWork>(lease).VideoId, $"Tracking the encode failed: {error}", lease, cancellationToken);
}
