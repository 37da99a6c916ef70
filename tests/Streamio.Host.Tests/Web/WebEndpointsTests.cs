using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Streamio.Host.Tests.Web;

/// <summary>The HTTP side of the web app: the page, GET /v1/config and the libraries served from node_modules.</summary>
[Collection(SharedNodeCollection.Name)]
public sealed class WebEndpointsTests(SharedNodeFixture fixture)
{
    private HttpClient Http => fixture.Node.Http;

    [Fact]
    public async Task The_page_is_served_at_the_root()
    {
        using var response = await Http.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<script type=\"module\" src=\"/js/app.js\">", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Config_tells_the_page_the_limit_the_formats_the_hub_and_the_libraries()
    {
        var config = (await Http.GetFromJsonAsync<JsonObject>("/v1/config"))!;

        Assert.Equal(32 * 1024 * 1024, (long)config["maxUploadBytes"]!);
        Assert.Equal(["MP4", "MOV", "MKV", "WebM"], config["acceptedFormats"]!.AsArray().Select(format => (string)format!));
        Assert.Contains(".webm", config["acceptedExtensions"]!.AsArray().Select(extension => (string)extension!));
        Assert.Equal("/hubs/videos", (string)config["hubPath"]!);
        Assert.True((bool)config["libraries"]!["available"]!);
        Assert.Equal("/lib/hls.js", (string)config["libraries"]!["urls"]!["hls.js"]!);
    }

    [Theory]
    [InlineData("/lib/hls.js", "Hls")]
    [InlineData("/lib/signalr.js", "HubConnectionBuilder")]
    public async Task Libraries_come_from_node_modules(string path, string marker)
    {
        using var response = await Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(marker, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unknown_library_is_a_clear_404()
    {
        using var response = await Http.GetAsync("/lib/jquery.js");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("There is no library 'jquery.js'.", (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!);
    }
}
