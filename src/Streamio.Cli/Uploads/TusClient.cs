using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Streamio.Cli.Api;

namespace Streamio.Cli.Uploads;

/// <summary>Where an upload stands on the server: its offset, and the video it became once the last byte is in.</summary>
public sealed record TusState(long Offset, long Length, string? VideoId);

/// <summary>
/// A tus 1.0 client for Streamio's /v1/tus: creation (POST with Upload-Length and metadata), PATCH with Upload-Offset,
/// and HEAD to learn the offset to resume from.
/// </summary>
public sealed class TusClient(StreamioClient api)
{
    public const string Version = "1.0.0";
    private const string OffsetContentType = "application/offset+octet-stream";
    private const string VideoIdHeader = "Streamio-Video-Id";

    /// <summary>Creates an upload of <paramref name="length"/> bytes; its URL is what a later run resumes.</summary>
    /// <param name="withLogo">False leaves the project's logo (watermark) out of this video.</param>
    public async Task<Uri> CreateAsync(long length, string fileName, string? title, bool withLogo, CancellationToken cancellationToken)
    {
        using var request = NewRequest(HttpMethod.Post, api.Resolve("v1/tus"));
        request.Headers.Add("Upload-Length", length.ToString(CultureInfo.InvariantCulture));
        var metadata = $"filename {Base64(fileName)}" + (title is null ? "" : $",title {Base64(title)}") + (withLogo ? "" : $",logo {Base64("false")}");
        request.Headers.Add("Upload-Metadata", metadata);
        request.Content = new ByteArrayContent([]);
        using var response = await SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created || response.Headers.Location is not { } location)
        {
            throw new CliException(ExitCodes.Unavailable, $"POST /v1/tus answered {(int)response.StatusCode} without an upload URL.");
        }
        return location.IsAbsoluteUri ? location : new Uri(api.BaseUrl, location);
    }

    /// <summary>The upload's state, or null when the server no longer has it (unknown, expired, another project's).</summary>
    public async Task<TusState?> HeadAsync(Uri upload, CancellationToken cancellationToken)
    {
        using var request = NewRequest(HttpMethod.Head, upload);
        try
        {
            using var response = await SendAsync(request, cancellationToken);
            return StateOf(response);
        }
        catch (CliException error) when (error.ExitCode == ExitCodes.NotFound)
        {
            return null;
        }
    }

    /// <summary>Sends <paramref name="count"/> bytes of <paramref name="body"/> at <paramref name="offset"/>; the server's new state.</summary>
    public async Task<TusState> PatchAsync(Uri upload, long offset, Stream body, long count, CancellationToken cancellationToken)
    {
        using var request = NewRequest(HttpMethod.Patch, upload);
        request.Headers.Add("Upload-Offset", offset.ToString(CultureInfo.InvariantCulture));
        request.Content = new StreamContent(body, 1024 * 1024);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(OffsetContentType);
        request.Content.Headers.ContentLength = count;
        using var response = await SendAsync(request, cancellationToken);
        return StateOf(response);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await api.SendRawAsync(request, cancellationToken, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw StreamioClient.Failure(response, await response.Content.ReadAsStringAsync(cancellationToken));
            }
        }
        return response;
    }

    private static HttpRequestMessage NewRequest(HttpMethod method, Uri url)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add("Tus-Resumable", Version);
        return request;
    }

    private static TusState StateOf(HttpResponseMessage response) => new(
        Header(response, "Upload-Offset") is { } offset ? long.Parse(offset, CultureInfo.InvariantCulture) : 0,
        Header(response, "Upload-Length") is { } length ? long.Parse(length, CultureInfo.InvariantCulture) : 0,
        Header(response, VideoIdHeader));

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
