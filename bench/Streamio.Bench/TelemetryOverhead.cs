using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Streamio.Bench;

/// <summary>
/// What tracing and metrics cost the pipeline: the same upload run with telemetry off (no OTLP, no metrics, no
/// dashboard) and on (every span and metric sent over OTLP/HTTP to a local sink, /metrics scraped every
/// <c>--scrape-seconds</c> (15 s, a common Prometheus interval), the Orleans dashboard's collectors running), alternating so that a change in the machine's load hits both alike. The
/// sink and the scraper run in the harness, so their CPU is counted against telemetry: the figure is an upper bound.
/// </summary>
public static class TelemetryOverhead
{
    public static Dictionary<string, string?> Off() => new()
    {
        ["Streamio:Telemetry:Metrics"] = "false",
        ["Streamio:Telemetry:Dashboard"] = "false",
        ["Streamio:Telemetry:OtlpEndpoint"] = "",
    };

    public static Dictionary<string, string?> On(string otlpEndpoint, int prometheusPort) => new()
    {
        ["Streamio:Telemetry:Metrics"] = "true",
        ["Streamio:Telemetry:Dashboard"] = "true",
        ["Streamio:Telemetry:OtlpEndpoint"] = otlpEndpoint,
        ["Streamio:Telemetry:PrometheusPort"] = prometheusPort.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>An OTLP/HTTP endpoint that takes every export and throws it away, counting the bytes.</summary>
    public sealed class Sink : IAsyncDisposable
    {
        private WebApplication _app = null!;
        private long _bytes;
        private long _requests;

        public string Endpoint { get; private set; } = "";

        public long Bytes => Interlocked.Read(ref _bytes);

        public long Requests => Interlocked.Read(ref _requests);

        public static async Task<Sink> StartAsync()
        {
            var sink = new Sink();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            sink._app = builder.Build();
            sink._app.MapPost("/v1/{signal}", async (HttpRequest request) =>
            {
                var buffer = new byte[64 * 1024];
                int read;
                while ((read = await request.Body.ReadAsync(buffer)) > 0)
                {
                    Interlocked.Add(ref sink._bytes, read);
                }
                Interlocked.Increment(ref sink._requests);
                return Results.Bytes([], "application/x-protobuf");
            });
            await sink._app.StartAsync();
            sink.Endpoint = sink._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            return sink;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }

    /// <summary>Scrapes a /metrics endpoint every <paramref name="interval"/>, as Prometheus would, until disposed.</summary>
    public sealed class Scraper : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private readonly TimeSpan _interval;

        public Scraper(int port, TimeSpan interval)
        {
            _interval = interval;
            _loop = Task.Run(() => LoopAsync(port));
        }

        public int Scrapes { get; private set; }

        public long LastBytes { get; private set; }

        private async Task LoopAsync(int port)
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    LastBytes = (await http.GetByteArrayAsync("/metrics", _stop.Token)).Length;
                    Scrapes++;
                    await Task.Delay(_interval, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (HttpRequestException)
                {
                    // The node is starting or stopping.
                    await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
        }
    }

    /// <summary>The load averages (1, 5, 15 minutes) from /proc/loadavg.</summary>
    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
