using Streamio.Abstractions.Work;
using Streamio.Storage;

namespace Streamio.Host.Api;

public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Ok(new { status = "alive" }));
        app.MapGet("/readyz", async (IGrainFactory grains, IObjectStorage storage, CancellationToken cancellationToken) =>
        {
            var cluster = await AnswersAsync(grains, cancellationToken);
            var objects = await storage.IsReachableAsync(cancellationToken);
            var body = new { status = cluster && objects ? "ready" : "unavailable", cluster, storage = objects };
            return cluster && objects ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
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
