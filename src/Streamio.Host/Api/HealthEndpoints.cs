using Streamio.Backbone;
using Streamio.Storage;

namespace Streamio.Host.Api;

public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Ok(new { status = "alive" }));
        app.MapGet("/readyz", async (IBackbone backbone, IObjectStorage storage, CancellationToken cancellationToken) =>
        {
            var database = await backbone.IsReachableAsync(cancellationToken);
            var objects = await storage.IsReachableAsync(cancellationToken);
            var body = new { status = database && objects ? "ready" : "unavailable", database, storage = objects };
            return database && objects ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        return app;
    }
}
