using System.Text.Json;
using Streamio.Host.Http;

namespace Streamio.Host.Api;

/// <summary>Reads small JSON request bodies, turning malformed ones into a 400 that shows what was expected.</summary>
public static class JsonBodies
{
    /// <summary>The body, or null when there is none (empty or not JSON); <c>Error</c> is set when it is malformed.</summary>
    public static async Task<(T? Body, IResult? Error)> ReadAsync<T>(HttpRequest request, string example, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength is 0 || !request.HasJsonContentType())
        {
            return (null, null);
        }
        try
        {
            return (await request.ReadFromJsonAsync<T>(cancellationToken), null);
        }
        catch (JsonException error)
        {
            return (null, Problems.BadRequest($"The body is not valid JSON ({example} expected): {error.Message}"));
        }
    }
}
