namespace Streamio.Host.Api;

public static class OpenApiDocumentExtensions
{
    /// <summary>The API description at /openapi/v1.json, with how to authenticate.</summary>
    public static IServiceCollection AddStreamioOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Streamio API";
            document.Info.Description =
                "Send a project API key as 'x-api-key: <key>' or 'Authorization: Bearer <key>'. /v1/projects needs the admin key " +
                "(Streamio:Auth:AdminKey). Errors are application/problem+json whose detail says what to do.";
            return Task.CompletedTask;
        }));

    /// <summary>The refusals every guarded endpoint can give: 401 (no or bad key) and 403 (the wrong kind of key).</summary>
    public static RouteGroupBuilder ProducesCallerProblems(this RouteGroupBuilder group) =>
        group.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
}
