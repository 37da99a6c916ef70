using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Streamio.Cli.Api;

/// <summary>A JSON answer: the server's text as it came (what `--json` prints) and its parsed root.</summary>
public sealed record ApiResult(HttpStatusCode Status, string Text, HttpResponseHeaders Headers)
{
    public T Read<T>(JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(Text, type) ?? throw new CliException(ExitCodes.Unavailable, "The server answered with an empty body.");
}

/// <summary>
/// The HTTP side of Streamio's API for one key. Every failure becomes a <see cref="CliException"/> with the exit code
/// it means and the server's own problem detail, which says what to do.
/// </summary>
public sealed class StreamioClient : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromMinutes(2);

    public StreamioClient(Uri baseUrl, string? key)
    {
        BaseUrl = baseUrl;
        Key = key;
        // Uploads stream for as long as they take: each ordinary call gets its own timeout instead.
        Http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
        Http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("streamio-cli", typeof(StreamioClient).Assembly.GetName().Version?.ToString(3)));
        if (key is not null)
        {
            Http.DefaultRequestHeaders.Add("x-api-key", key);
        }
    }

    public Uri BaseUrl { get; }

    public string? Key { get; }

    public HttpClient Http { get; }

    public Uri Resolve(string path) => new(BaseUrl, path.TrimStart('/'));

    public Task<ApiResult> GetAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Get, path, null, cancellationToken);

    public Task<ApiResult> DeleteAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Delete, path, null, cancellationToken);

    public Task<ApiResult> PostAsync(string path, string? json, CancellationToken cancellationToken) => SendAsync(HttpMethod.Post, path, json, cancellationToken);

    private async Task<ApiResult> SendAsync(HttpMethod method, string path, string? json, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, Resolve(path));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        using var response = await SendRawAsync(request, timeout.Token, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            throw Failure(response, text);
        }
        return new ApiResult(response.StatusCode, text, response.Headers);
    }

    /// <summary>
    /// Sends a request; an unreachable server or a timeout becomes exit code 4, while the caller's own cancellation
    /// (Ctrl+C) stays an <see cref="OperationCanceledException"/>.
    /// </summary>
    public async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, CancellationToken token, CancellationToken callerToken)
    {
        try
        {
            return await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
        }
        catch (Exception error) when (error is HttpRequestException or OperationCanceledException && callerToken.IsCancellationRequested)
        {
            // Ctrl+C (an upload's body stops mid-way, which HttpClient may report as a failed request).
            throw new OperationCanceledException("Interrupted.", error, callerToken);
        }
        catch (HttpRequestException error)
        {
            throw new CliException(ExitCodes.Unavailable, $"Cannot reach Streamio at {BaseUrl}: {error.Message}");
        }
        catch (OperationCanceledException) when (!callerToken.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.Unavailable, $"Streamio at {BaseUrl} did not answer {request.Method} {request.RequestUri?.AbsolutePath} in time.");
        }
    }

    /// <summary>The exit code an error status means, with the problem's detail (or the status line when there is none).</summary>
    public static CliException Failure(HttpResponseMessage response, string body)
    {
        var status = (int)response.StatusCode;
        string? detail = null;
        try
        {
            detail = JsonSerializer.Deserialize(body, ApiJson.Default.Problem)?.Detail;
        }
        catch (JsonException)
        {
            // Not problem+json (a proxy's page, say): the status line says enough.
        }
        var message = detail ?? $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath} answered {status} {response.ReasonPhrase}.";
        return new CliException(ExitCodeOf(response.StatusCode), message, status);
    }

    public static int ExitCodeOf(HttpStatusCode status) => status switch
    {
        HttpStatusCode.NotFound or HttpStatusCode.Gone => ExitCodes.NotFound,
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ExitCodes.Auth,
        >= HttpStatusCode.InternalServerError => ExitCodes.Unavailable,
        _ => ExitCodes.Refused,
    };

    public void Dispose() => Http.Dispose();
}
