using Streamio.Abstractions.Work;
using Streamio.Cluster;
using Streamio.Storage;

namespace Streamio.Host.Api;

public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Ok(new { status = "alive" }));
        app.MapGet("/readyz", async (IGrainFactory grains, IObjectStorage storage, StreamioSettings settings, CancellationToken cancellationToken) =>
        {
            var cluster = await AnswersAsync(grains, cancellationToken);
            var database = await DatabaseProbe.IsReachableAsync(settings.Database, cancellationToken);
            var objects = await storage.IsReachableAsync(cancellationToken);
            var ready = cluster && database && objects;
            var body = new { status = ready ? "ready" : "unavailable", cluster, database, storage = objects };
            return ready ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        return app;
    }

    /// <summary>The cluster answers a grain call (which needs membership, and the database behind it, to work).</summary>
    private static async Task<bool> AnswersAsync(IGrainFactory grains, CancellationToken cancellationToken)
    {
        try
        {
            await grains.GetGrain<IWorkSchedulerGrain>(0).GetViewAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return true;
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
