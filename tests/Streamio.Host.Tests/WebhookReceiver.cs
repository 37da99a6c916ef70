using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Streamio.Grains.Webhooks;

namespace Streamio.Host.Tests;

/// <summary>One delivery as a receiver saw it.</summary>
public sealed record ReceivedEvent(string EventId, string Type, string VideoId, string VideoStatus, bool SignatureValid, string HeaderEventId);

/// <summary>
/// A real webhook receiver: a Kestrel app on a fixed loopback port, so it can be down (nothing listening, connection
/// refused) and come back up at the same URL. It dedupes by event id, as receivers must.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly int _port = FreePort();
    private WebApplication? _app;

    public string Url => $"http://127.0.0.1:{_port}/hooks";

    public string Secret { get; set; } = "";

    /// <summary>How many requests to answer 503 before accepting (a receiver that is up but failing).</summary>
    public int FailuresBeforeSuccess { get; set; }

    private int _requests;

    /// <summary>Every request received, duplicates included.</summary>
    public ConcurrentQueue<ReceivedEvent> Received { get; } = new();

    public IReadOnlyDictionary<string, ReceivedEvent> ByEventId =>
        Received.GroupBy(item => item.EventId).ToDictionary(group => group.Key, group => group.First());

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{_port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        _app = builder.Build();
        _app.MapPost("/hooks", async (HttpRequest request) =>
        {
            var body = await new StreamReader(request.Body).ReadToEndAsync();
            if (Interlocked.Increment(ref _requests) <= FailuresBeforeSuccess)
            {
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }
            var valid = WebhookSignature.Verify(Secret, request.Headers[WebhookSignature.Header].ToString(), body);
            var root = JsonDocument.Parse(body).RootElement;
            var video = root.GetProperty("video");
            Received.Enqueue(new ReceivedEvent(root.GetProperty("id").GetString()!, root.GetProperty("type").GetString()!,
                video.GetProperty("id").GetString()!, video.GetProperty("status").GetString()!, valid, request.Headers["Streamio-Event-Id"].ToString()));
            return Results.Ok();
        });
        await _app.StartAsync();
    }

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
