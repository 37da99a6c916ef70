using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Streamio.Host.Tests;

/// <summary>
/// The OpenAPI document stays in step with the code: every /v1 endpoint the node maps (whoever added it) is in
/// /openapi/v1.json with its method.
/// </summary>
[Collection(SharedNodeCollection.Name)]
public sealed partial class OpenApiTests(SharedNodeFixture fixture)
{
    [Fact]
    public async Task Every_mapped_v1_endpoint_is_described_with_its_method()
    {
        var node = fixture.Node;
        using var response = await node.Http.GetAsync("/openapi/v1.json");
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith("3.", document.RootElement.GetProperty("openapi").GetString());
        var paths = document.RootElement.GetProperty("paths");

        var mapped = node.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.RoutePattern.RawText?.TrimStart('/').StartsWith("v1/", StringComparison.Ordinal) == true)
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["(any)"])
                .Select(method => (Path: DocumentPath(endpoint.RoutePattern.RawText!), Method: method.ToLowerInvariant())))
            .Distinct().ToList();
        Assert.Contains(("/v1/videos", "post"), mapped);
        Assert.Contains(("/v1/projects/{id}/keys", "post"), mapped);
        Assert.Contains(("/v1/webhooks/{id}/deliveries", "get"), mapped);

        var missing = mapped.Where(route => !paths.TryGetProperty(route.Path, out var item) || !item.TryGetProperty(route.Method, out _)).ToList();
        Assert.True(missing.Count == 0, $"not in /openapi/v1.json: {string.Join(", ", missing.Select(route => $"{route.Method.ToUpperInvariant()} {route.Path}"))}");
    }

    /// <summary>A route pattern as OpenAPI writes it: leading slash, no trailing one, parameters without constraints.</summary>
    private static string DocumentPath(string rawText) => "/" + Constraint().Replace(rawText.Trim('/'), "{$1}");

    [GeneratedRegex(@"\{\*{0,2}([A-Za-z0-9_]+)(?::[^}]*|\?|=[^}]*)?\}")]
    private static partial Regex Constraint();
}
