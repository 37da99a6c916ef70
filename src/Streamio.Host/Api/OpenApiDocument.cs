using Microsoft.OpenApi;

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

    /// <summary>
    /// Describes a body the handler reads itself. (Accepts&lt;T&gt; would also make routing refuse other content types
    /// with a bare 415, where the handlers answer a 400 that says what to send.)
    /// </summary>
    public static RouteHandlerBuilder DescribesBody<T>(this RouteHandlerBuilder builder, string contentType = "application/json") =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = contentType != "application/json",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [contentType] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(T), null, cancellationToken) },
                },
            };
        });

    /// <summary>The refusals every guarded endpoint can give: 401 (no or bad key) and 403 (the wrong kind of key).</summary>
    public static RouteGroupBuilder ProducesCallerProblems(this RouteGroupBuilder group) =>
        group.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
}

/// <summary>The upload form, for the OpenAPI description (the handler streams the parts itself).</summary>
public sealed record UploadForm(IFormFile File, string? Title = null, bool? Logo = null, bool? Forensic = null);
