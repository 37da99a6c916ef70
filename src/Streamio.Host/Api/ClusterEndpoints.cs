using Streamio.Backbone;
using Streamio.Host.Auth;

namespace Streamio.Host.Api;

/// <summary>GET /v1/cluster: the live silos and the work queue, for operators (its own group so it can be restricted alone).</summary>
public static class ClusterEndpoints
{
    public static RouteGroupBuilder MapClusterEndpoints(this IEndpointRouteBuilder app)
    {
        var cluster = app.MapGroup("/v1/cluster").RequireAdmin();
        cluster.MapGet("", GetAsync);
        return cluster;
    }

    private static async Task<ClusterResponse> GetAsync(IMembership membership, IWorkQueue queue, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var silos = (await membership.ListAsync(cancellationToken))
            .Select(silo => new SiloResponse(silo.Id, silo.Host, silo.Roles, silo.StartedAt,
                Math.Round(Math.Max(0, (now - silo.HeartbeatAt).TotalSeconds), 3), silo.RunningWork))
            .ToList();
        var depth = (await queue.DepthAsync(cancellationToken))
            .OrderBy(kind => kind.Kind, StringComparer.Ordinal)
            .Select(kind => new QueueDepthResponse(kind.Kind, kind.Queued, kind.Leased))
            .ToList();
        return new ClusterResponse(silos, depth);
    }
}

public sealed record ClusterResponse(IReadOnlyList<SiloResponse> Silos, IReadOnlyList<QueueDepthResponse> Queue);

/// <summary>A live silo: <see cref="HeartbeatAgeSeconds"/> grows past Streamio:Silo:DeadAfterSeconds only for a lost one (until it is reaped).</summary>
public sealed record SiloResponse(string Id, string Host, string Roles, DateTimeOffset StartedAt, double HeartbeatAgeSeconds, int RunningWork);

/// <summary>Work items of one kind: waiting (including delayed retries) and leased by a silo.</summary>
public sealed record QueueDepthResponse(string Kind, int Queued, int Leased);
