using System.Net;
using System.Net.Http.Headers;

namespace Streamio.Host.Tests.Tus;

/// <summary>tus requests written out by hand (HttpClient), for the cases a well-behaved client never sends.</summary>
public static class TusRequests
{
    public const string Version = "1.0.0";

    public static HttpRequestMessage Request(HttpMethod method, string url, string? version = Version)
    {
        var request = new HttpRequestMessage(method, url);
        if (version is not null)
        {
            request.Headers.Add("Tus-Resumable", version);
        }
        return request;
    }

    /// <summary>Creates an upload and returns its path (e.g. /v1/tus/u_…).</summary>
    public static async Task<string> CreateAsync(HttpClient http, long length, string? metadata = null)
    {
        using var request = Request(HttpMethod.Post, "/v1/tus");
        request.Headers.Add("Upload-Length", length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (metadata is not null)
        {
            request.Headers.Add("Upload-Metadata", metadata);
        }
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return response.Headers.Location!.AbsolutePath;
    }

    public static HttpRequestMessage Patch(string url, long offset, byte[] bytes, string? checksum = null, string contentType = "application/offset+octet-stream")
    {
        var request = Request(HttpMethod.Patch, url);
        request.Headers.Add("Upload-Offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (checksum is not null)
        {
            request.Headers.Add("Upload-Checksum", checksum);
        }
        request.Content = new ByteArrayContent(bytes);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return request;
    }

    public static async Task<HttpResponseMessage> SendPatchAsync(HttpClient http, string url, long offset, byte[] bytes, string? checksum = null)
    {
        using var request = Patch(url, offset, bytes, checksum);
        return await http.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> HeadAsync(HttpClient http, string url)
    {
        using var request = Request(HttpMethod.Head, url);
        return await http.SendAsync(request);
    }

    /// <summary>The Upload-Offset a HEAD reports.</summary>
    public static async Task<long> OffsetAsync(HttpClient http, string url)
    {
        using var response = await HeadAsync(http, url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return long.Parse(Header(response, "Upload-Offset"), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(",", values)
            : throw new Xunit.Sdk.XunitException($"{(int)response.StatusCode} has no {name} header");

    public static string Metadata(params (string Key, string Value)[] pairs) =>
        string.Join(",", pairs.Select(pair => $"{pair.Key} {Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(pair.Value))}"));
}
