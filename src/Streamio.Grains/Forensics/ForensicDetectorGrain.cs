using Orleans.Concurrency;
using Streamio.Abstractions.Forensics;

namespace Streamio.Grains.Forensics;

/// <summary>Runs <see cref="LeakDetector"/> on whichever silo takes the call; stateless, so silos share the work.</summary>
[StatelessWorker(1)]
public sealed class ForensicDetectorGrain(LeakDetector detector) : Grain, IForensicDetectorGrain
{
    public Task<LeakReport> DetectAsync(LeakRequest request) => detector.DetectAsync(request, CancellationToken.None);
}
