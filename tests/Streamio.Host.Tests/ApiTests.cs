using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Streamio.Host.Api;

namespace Streamio.Host.Tests;

/// <summary>Refusals and the plain HTTP surface: each bad request gets a clear problem+json and changes nothing.</summary>
[Collection(SharedNodeCollection.Name)]
public sealed class ApiTests(SharedNodeFixture fixture)
{
    private StreamioNode Node => fixture.Node;

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }

    private async Task<int> ObjectCountAsync() =>
        Directory.Exists(Path.Combine(Node.DataPath, "objects"))
            ? Directory.EnumerateFiles(Path.Combine(Node.DataPath, "objects"), "*", SearchOption.AllDirectories).Count()
            : 0;

    [Fact]
    public async Task Health_and_readiness_answer()
    {
        Assert.Equal(HttpStatusCode.OK, (await Node.Http.GetAsync("/healthz")).StatusCode);
        var ready = await Node.Http.GetFromJsonAsync<JsonElement>("/readyz");
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        Assert.True(ready.GetProperty("database").GetBoolean());
        Assert.True(ready.GetProperty("storage").GetBoolean());
    }

    [Fact]
    public async Task An_unknown_video_is_a_404_problem_everywhere()
    {
        await ProblemAsync(await Node.Http.GetAsync("/v1/videos/v_nope"), HttpStatusCode.NotFound);
        await ProblemAsync(await Node.Http.DeleteAsync("/v1/videos/v_nope"), HttpStatusCode.NotFound);
        await ProblemAsync(await Node.Http.PostAsJsonAsync("/v1/videos/v_nope/playback", new { }), HttpStatusCode.NotFound);
        await ProblemAsync(await Node.Http.GetAsync("/v1/videos/v_nope/thumbnail.jpg"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_upload_that_is_not_multipart_is_refused()
    {
        using var content = new StringContent("hello", System.Text.Encoding.UTF8, "text/plain");
        var problem = await ProblemAsync(await Node.Http.PostAsync("/v1/videos", content), HttpStatusCode.BadRequest);
        Assert.Contains("multipart/form-data", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_upload_without_a_file_part_is_refused()
    {
        using var form = new MultipartFormDataContent { { new StringContent("just a title"), "title" } };
        var problem = await ProblemAsync(await Node.Http.PostAsync("/v1/videos", form), HttpStatusCode.BadRequest);
        Assert.Contains("'file'", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_empty_file_is_refused_and_nothing_is_stored()
    {
        var before = await ObjectCountAsync();
        var path = Path.Combine(Node.DataPath, "empty.mp4");
        await File.WriteAllBytesAsync(path, []);
        var problem = await ProblemAsync(await Node.UploadAsync(path), HttpStatusCode.BadRequest);
        Assert.Contains("empty", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await ObjectCountAsync());
    }

    [Fact]
    public async Task An_upload_over_the_limit_is_refused_while_streaming_and_nothing_is_stored()
    {
        var before = await ObjectCountAsync();
        var listed = (await Node.Http.GetFromJsonAsync<VideoPage>("/v1/videos?limit=100"))!.Items.Count;
        // Chunked (no Content-Length), so the limit can only be enforced while the bytes stream in.
        using var form = new MultipartFormDataContent();
        var body = new PushStreamContent(40 * 1024 * 1024);
        form.Add(body, "file", "big.mp4");
        form.Headers.ContentLength = null;
        var problem = await ProblemAsync(await Node.Http.PostAsync("/v1/videos", form), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("limit", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await ObjectCountAsync());
        Assert.Equal(listed, (await Node.Http.GetFromJsonAsync<VideoPage>("/v1/videos?limit=100"))!.Items.Count);
    }

    [Fact]
    public async Task Bad_list_parameters_are_refused()
    {
        await ProblemAsync(await Node.Http.GetAsync("/v1/videos?limit=0"), HttpStatusCode.BadRequest);
        await ProblemAsync(await Node.Http.GetAsync("/v1/videos?limit=1000"), HttpStatusCode.BadRequest);
        await ProblemAsync(await Node.Http.GetAsync("/v1/videos?cursor=not-a-cursor"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_cluster_view_shows_the_nodes_own_silo_and_its_work()
    {
        using var admin = Node.CreateClient(StreamioNode.AdminKey);
        var cluster = (await admin.GetFromJsonAsync<ClusterResponse>("/v1/cluster"))!;
        var silo = Assert.Single(cluster.Silos);
        Assert.Equal("active", silo.Status);
        Assert.True(silo.Activations > 0, "the scheduler grain, at least, is active");
        Assert.True(cluster.Work.Waiting >= 0 && cluster.Work.Running >= 0);
    }

    /// <summary>A body of random bytes written without a known length.</summary>
    private sealed class PushStreamContent(int length) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var buffer = new byte[64 * 1024];
            for (var sent = 0; sent < length; sent += buffer.Length)
            {
                Random.Shared.NextBytes(buffer);
                await stream.WriteAsync(buffer);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
