using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Streamio.Host.Api;
using Streamio.Testing;

namespace Streamio.Host.Tests.Observability;

/// <summary>
/// <c>/metrics</c> in Prometheus' format: on the main port for the admin key only, on the metrics port for anyone (and
/// nothing else there); its counters and histograms move as a video is uploaded, encoded and played; and the Orleans
/// dashboard, for admins only.
/// </summary>
public sealed class MetricsTests : IAsyncLifetime
{
    private readonly int _metricsPort = LoopbackPort.Free();
    private StreamioNode _node = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _node = await StreamioNode.StartAsync(settings =>
        {
            settings["Streamio:Telemetry:PrometheusPort"] = _metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings["Streamio:Webhooks:FirstRetrySeconds"] = "0.5";
        });
        _admin = _node.CreateClient(StreamioNode.AdminKey);
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _node.DisposeAsync();
    }

    [Fact]
    public async Task Metrics_on_the_main_port_are_for_the_admin_key_only()
    {
        var project = await SecuredNodeFixture.NewProjectAsync(_node, _admin, "metrics");

        using var anonymous = await _node.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var projectKey = await project.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Forbidden, projectKey.StatusCode);
        using var admin = await _admin.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Contains("streamio_silo_workers", await admin.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_metrics_port_serves_metrics_to_anyone_and_nothing_else()
    {
        using var scraper = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_metricsPort}") };

        var text = await scraper.GetStringAsync("/metrics");
        // The gauges are per process, and other tests' nodes share this one: at least this node's two workers.
        Assert.True(PrometheusText.Sum(text, "streamio_silo_workers") >= 2);
        // The scheduler's silo reports its queue per kind, zeros included: what the autoscaler reads.
        foreach (var kind in new[] { "probe", "chunk", "audio", "finish" })
        {
            Assert.Contains(PrometheusText.Parse(text), sample => sample.Name == "streamio_work_waiting" && sample.Labels.GetValueOrDefault("kind") == kind);
            Assert.Contains(PrometheusText.Parse(text), sample => sample.Name == "streamio_work_in_flight" && sample.Labels.GetValueOrDefault("kind") == kind);
        }
        using var api = await scraper.GetAsync("/v1/videos");
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        using var health = await scraper.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.NotFound, health.StatusCode);
    }

    [Fact]
    public async Task Counters_and_histograms_move_with_an_upload_its_encode_its_playback_and_its_webhook()
    {
        var clip = await ClipFactory.GetAsync(SharedNodeFixture.StandardClip);
        // A receiver that fails once: one delivery attempt retried, then one delivered.
        await using var receiver = new WebhookReceiver { FailuresBeforeSuccess = 1 };
        await receiver.StartAsync();
        using (var registered = await _node.Http.PostAsJsonAsync("/v1/webhooks", new { url = receiver.Url, events = new[] { "video.ready" } }))
        {
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
            receiver.Secret = (await registered.Content.ReadFromJsonAsync<CreatedWebhookResponse>())!.Secret;
        }
        var before = await ScrapeAsync();

        var video = await _node.WaitForReadyAsync((await _node.UploadOkAsync(clip, "Measured")).Id);
        Assert.Equal("ready", video.Status);
        var url = await _node.PlaybackUrlAsync(video.Id);
        using (var played = await _node.Http.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.OK, played.StatusCode);
        }
        using (var refused = await _node.Http.GetAsync($"/play/{video.Id}/master.m3u8?token=not-a-token"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        using (var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            while (!receiver.Received.Any(received => received.VideoId == video.Id))
            {
                await Task.Delay(100, deadline.Token);
            }
        }
        var after = await ScrapeAsync();

        Assert.True(Moved("streamio_uploads_total", ("source", "upload")) >= 1);
        Assert.True(Moved("streamio_upload_bytes_total", ("source", "upload")) >= new FileInfo(clip).Length);
        Assert.True(Moved("streamio_video_time_to_playable_seconds_count") >= 1);
        Assert.True(Moved("streamio_video_time_to_ready_seconds_count") >= 1);
        Assert.True(Moved("streamio_video_time_to_ready_seconds_sum") > 0);
        Assert.True(Moved("streamio_encode_speed_count", ("task", "chunk")) >= 1);
        Assert.True(Moved("streamio_encode_speed_count", ("task", "audio")) >= 1);
        Assert.True(Moved("streamio_playback_requests_total", ("resource", "master")) >= 2);
        Assert.True(Moved("streamio_playback_denied_total", ("reason", "token")) >= 1);
        Assert.True(Moved("streamio_webhook_deliveries_total", ("outcome", "retrying")) >= 1);
        Assert.True(Moved("streamio_webhook_deliveries_total", ("outcome", "delivered")) >= 1);

        double Moved(string name, params (string, string)[] labels) => PrometheusText.Sum(after, name, labels) - PrometheusText.Sum(before, name, labels);
    }

    [Fact]
    public async Task The_Orleans_dashboard_is_for_the_admin_key_only_and_a_browser_is_asked_for_it()
    {
        var project = await SecuredNodeFixture.NewProjectAsync(_node, _admin, "dashboard");

        using var admin = await _admin.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal("text/html", admin.Content.Headers.ContentType?.MediaType);
        using var browser = await _node.Http.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.Unauthorized, browser.StatusCode);
        Assert.Equal("Basic", browser.Headers.WwwAuthenticate.Single().Scheme);
        using var basic = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{StreamioNode.AdminKey}")));
        using var signedIn = await _node.Http.SendAsync(basic);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        using var wrongPassword = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        wrongPassword.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:not-the-key")));
        using var refused = await _node.Http.SendAsync(wrongPassword);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using var projectKey = await project.Http.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.Forbidden, projectKey.StatusCode);
    }

    private async Task<string> ScrapeAsync() => await _admin.GetStringAsync("/metrics");
}
