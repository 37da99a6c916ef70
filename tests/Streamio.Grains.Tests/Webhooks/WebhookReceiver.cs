using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Streamio.Grains.Webhooks;
using Streamio.Testing;

namespace Streamio.Grains.Tests.Webhooks;

/// <summary>One delivery as the receiver saw it.</summary>
/// <param name="VideoId">The id of the event's subject: its video, or its live stream for live events (and likewise the status).</param>
public sealed record ReceivedEvent(string EventId, string Type, string VideoId, string VideoStatus, bool SignatureValid, string HeaderEventId, string HeaderEventType, string Body = "");

/// <summary>
/// A real webhook receiver: Kestrel on a fixed loopback port, so it can be down (nothing listening: connection refused)
/// and come back up at the same URL.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly int _port = LoopbackPort.Free();
    private WebApplication? _app;

    public string Url => $"http://127.0.0.1:{_port}/hooks";

    public string Secret { get; set; } = "";

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
            var valid = WebhookSignature.Verify(Secret, request.Headers[WebhookSignature.Header].ToString(), body);
            var root = JsonDocument.Parse(body).RootElement;
            var video = root.TryGetProperty("video", out var subject) ? subject : root.GetProperty("liveStream");
            Received.Enqueue(new ReceivedEvent(root.GetProperty("id").GetString()!, root.GetProperty("type").GetString()!,
                video.GetProperty("id").GetString()!, video.GetProperty("status").GetString()!, valid,
                request.Headers["Streamio-Event-Id"].ToString(), request.Headers["Streamio-Event-Type"].ToString(), body));
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
}
