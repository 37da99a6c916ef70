using System.Collections.Concurrent;
using System.IO.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Streamio.Host.Tests.Observability;

/// <summary>
/// A local OTLP/HTTP collector: Kestrel on loopback taking <c>application/x-protobuf</c> POSTs to /v1/traces (kept and
/// decoded), /v1/metrics and /v1/logs (counted), the way a real collector would.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private readonly ConcurrentDictionary<string, int> _requests = new();
    private WebApplication _app = null!;

    public string Endpoint { get; private set; } = "";

    public IReadOnlyList<ReceivedSpan> Spans => [.. _spans];

    /// <summary>Export requests received per signal (traces, metrics, logs).</summary>
    public int Requests(string signal) => _requests.GetValueOrDefault(signal);

    public static async Task<OtlpReceiver> StartAsync()
    {
        var receiver = new OtlpReceiver();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        receiver._app = builder.Build();
        receiver._app.MapPost("/v1/{signal}", receiver.ReceiveAsync);
        await receiver._app.StartAsync();
        receiver.Endpoint = receiver._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return receiver;
    }

    private async Task<IResult> ReceiveAsync(string signal, HttpRequest request)
    {
        if (request.ContentType != "application/x-protobuf")
        {
            return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }
        using var body = new MemoryStream();
        var content = request.Headers.ContentEncoding == "gzip" ? new GZipStream(request.Body, CompressionMode.Decompress) : request.Body;
        await content.CopyToAsync(body);
        _requests.AddOrUpdate(signal, 1, (_, count) => count + 1);
        if (signal == "traces")
        {
            foreach (var span in OtlpTraces.Read(body.ToArray()))
            {
                _spans.Enqueue(span);
            }
        }
        // An empty ExportTraceServiceResponse (full success) is an empty protobuf message.
        return Results.Bytes([], "application/x-protobuf");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
