using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Streamio.Host.Api;

namespace Streamio.Host.Tests;

/// <summary>A project made through the admin API, with a client that sends its key.</summary>
public sealed record TestProject(string Id, string KeyId, string Key, HttpClient Http);

/// <summary>
/// A node as a real deployment runs it: anonymous access off, an admin key, and fast webhook retries (so a receiver
/// that was down gets its events within seconds of coming back).
/// </summary>
public sealed class SecuredNodeFixture : IAsyncLifetime
{
    public const string AdminKey = StreamioNode.AdminKey;

    public StreamioNode Node { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public static void Secure(Dictionary<string, string?> settings)
    {
        settings["Streamio:Auth:AllowAnonymous"] = "false";
        settings["Streamio:Auth:AdminKey"] = AdminKey;
        settings["Streamio:Webhooks:FirstRetrySeconds"] = "0.5";
        settings["Streamio:Webhooks:MaxRetryIntervalSeconds"] = "2";
        settings["Streamio:MaxUploadBytes"] = (32 * 1024 * 1024).ToString();
    }

    public async Task InitializeAsync()
    {
        Node = await StreamioNode.StartAsync(Secure);
        Admin = Node.CreateClient(AdminKey);
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await Node.DisposeAsync();
    }

    public Task<TestProject> NewProjectAsync(string name) => NewProjectAsync(Node, Admin, name);

    public static async Task<TestProject> NewProjectAsync(StreamioNode node, HttpClient admin, string name)
    {
        using var created = await admin.PostAsJsonAsync("/v1/projects", new { name });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var project = (await created.Content.ReadFromJsonAsync<ProjectResponse>())!;
        var key = await CreateKeyAsync(admin, project.Id);
        return new TestProject(project.Id, key.Id, key.Key, node.CreateClient(key.Key));
    }

    public static async Task<CreatedKeyResponse> CreateKeyAsync(HttpClient admin, string projectId)
    {
        using var response = await admin.PostAsJsonAsync($"/v1/projects/{projectId}/keys", new { name = "test" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CreatedKeyResponse>())!;
    }

    /// <summary>Asserts a problem+json answer with a detail, and returns the detail.</summary>
    public static async Task<string> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString();
        Assert.False(string.IsNullOrWhiteSpace(detail));
        return detail!;
    }
}

[CollectionDefinition(Name)]
public sealed class SecuredNodeCollection : ICollectionFixture<SecuredNodeFixture>
{
    public const string Name = "secured node";
}
