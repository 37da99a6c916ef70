using Orleans.Runtime;
using Streamio.Abstractions.Work;
using Streamio.Host.Auth;

namespace Streamio.Host.Api;

/// <summary>GET /v1/cluster: Orleans' view of the silos, their activations, and the work in flight and waiting (admin only).</summary>
public static class ClusterEndpoints
{
    public static RouteGroupBuilder MapClusterEndpoints(this IEndpointRouteBuilder app)
    {
        var cluster = app.MapGroup("/v1/cluster").RequireAdmin();
        cluster.MapGet("", GetAsync);
        return cluster;
    }

    private static async Task<ClusterResponse> GetAsync(IGrainFactory grains)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: false);
        var statistics = await management.GetSimpleGrainStatistics();
        var work = await grains.GetGrain<IWorkSchedulerGrain>(0).GetViewAsync();
        var silos = hosts
            .Where(host => host.Status is SiloStatus.Active or SiloStatus.Joining or SiloStatus.ShuttingDown or SiloStatus.Stopping)
            .OrderBy(host => host.StartTime)
            .Select(host =>
            {
                var address = host.SiloAddress.ToParsableString();
                return new SiloResponse(
                    address,
                    host.HostName,
                    host.SiloName,
                    host.Status.ToString().ToLowerInvariant(),
                    host.StartTime,
                    statistics.Where(stat => stat.SiloAddress.Equals(host.SiloAddress)).Sum(stat => stat.ActivationCount),
                    work.RunningBySilo.GetValueOrDefault(address),
                    work.WorkersBySilo?.GetValueOrDefault(address) ?? 0);
            })
            .ToList();
        return new ClusterResponse(silos, new WorkResponse(work.Waiting, work.Running, work.ActiveVideos));
    }
}

public sealed record ClusterResponse(IReadOnlyList<SiloResponse> Silos, WorkResponse Work);

/// <summary>
/// A silo as Orleans membership sees it, with its grain activations, the work items its workers run, and its general
/// workers as it named them when it last asked for work (0: a control silo, or one that has not asked yet).
/// </summary>
public sealed record SiloResponse(string Address, string Host, string Name, string Status, DateTimeOffset StartedAt, int Activations, int RunningWork, int Workers);

/// <summary>Work items waiting (including delayed retries) and running, across the cluster, and the videos they belong to.</summary>
public sealed record WorkResponse(int Waiting, int Running, int Videos);
