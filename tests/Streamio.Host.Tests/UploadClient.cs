using System.Net;
using System.Net.Http.Json;
using Streamio.Host.Api;

namespace Streamio.Host.Tests;

/// <summary>What an embedding app does with /v1/uploads: ask for an upload URL, PUT the file to it, complete it.</summary>
public static class UploadClient
{
    public static async Task<UploadResponse> CreateAsync(this StreamioNode node, object? body = null)
    {
        using var response = await node.Http.PostAsJsonAsync("/v1/uploads", body ?? new { });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /v1/uploads answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<UploadResponse>())!;
    }

    /// <summary>PUTs the bytes to the upload URL with the headers it asked for (to Streamio or straight to S3).</summary>
    public static async Task<HttpResponseMessage> PutAsync(UploadResponse upload, Stream content, string? url = null)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(new HttpMethod(upload.Method), url ?? upload.Url) { Content = new StreamContent(content) };
        foreach (var (name, value) in upload.Headers)
        {
            request.Content.Headers.TryAddWithoutValidation(name, value);
        }
        return await http.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> PutFileAsync(UploadResponse upload, string path)
    {
        await using var file = File.OpenRead(path);
        return await PutAsync(upload, file);
    }

    public static Task<HttpResponseMessage> CompleteAsync(this StreamioNode node, string uploadId) =>
        node.Http.PostAsync($"/v1/uploads/{uploadId}/complete", null);

    /// <summary>The detail of a problem+json answer, after checking its status.</summary>
    public static async Task<string> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString();
        Assert.False(string.IsNullOrWhiteSpace(detail));
        return detail!;
    }
}
