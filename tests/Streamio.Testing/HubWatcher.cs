using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;

namespace Streamio.Testing;

/// <summary>A message the hub sent this client: its target and its one argument as JSON, with when it arrived.</summary>
public sealed record HubMessage(string Target, JsonNode Body, DateTimeOffset ReceivedAt);

/// <summary>
/// A watcher of Streamio's video hub on the real .NET SignalR client (<see cref="HubConnection"/>, negotiate then
/// WebSockets): it records every <c>videoUpdated</c> and <c>videoDeleted</c> the server sends, in arrival order, and
/// invokes <c>Subscribe</c>/<c>Unsubscribe</c> (<c>SubscribeLive</c> for live streams: <c>liveUpdated</c>, <c>liveDeleted</c>). A hub method the server refuses throws <see cref="HubException"/>.
/// </summary>
public sealed class HubWatcher : IAsyncDisposable
{
    public const string HubPath = "/hubs/videos";
    public const string VideoUpdated = "videoUpdated";
    public const string VideoDeleted = "videoDeleted";
    public const string LiveUpdated = "liveUpdated";
    public const string LiveDeleted = "liveDeleted";

    private readonly HubConnection _connection;
    private readonly Channel<HubMessage> _messages = Channel.CreateUnbounded<HubMessage>(new UnboundedChannelOptions { SingleWriter = true });

    private HubWatcher(HubConnection connection)
    {
        _connection = connection;
        // The client runs one connection's handlers one after the other, in the order the messages arrived.
        foreach (var target in (string[])[VideoUpdated, VideoDeleted, LiveUpdated, LiveDeleted])
        {
            _connection.On<JsonElement>(target, body => Record(target, body));
        }
        _connection.Closed += error =>
        {
            _messages.Writer.TryComplete(error is null ? null : new InvalidOperationException($"the hub connection closed: {error.Message}", error));
            return Task.CompletedTask;
        };
    }

    /// <summary>Everything the hub sent, in arrival order.</summary>
    public ChannelReader<HubMessage> Messages => _messages.Reader;

    public HubConnectionState State => _connection.State;

    /// <summary>
    /// Connects to the hub of the node at <paramref name="baseAddress"/>. The key (if any) goes as the client's access
    /// token, which the .NET client sends as <c>Authorization: Bearer</c>; with <paramref name="keyInQuery"/> it goes in
    /// the <c>access_token</c> query parameter instead, as browsers (which cannot set headers on a WebSocket) send it.
    /// </summary>
    public static async Task<HubWatcher> ConnectAsync(Uri baseAddress, string? key = null, bool keyInQuery = false, CancellationToken cancellationToken = default)
    {
        var url = new Uri(baseAddress, keyInQuery && key is not null ? $"{HubPath}?access_token={Uri.EscapeDataString(key)}" : HubPath);
        var connection = new HubConnectionBuilder()
            .WithUrl(url, options =>
            {
                if (key is not null && !keyInQuery)
                {
                    options.AccessTokenProvider = () => Task.FromResult<string?>(key);
                }
            })
            .Build();
        // Generous on a busy two-core machine encoding video: a slow ping must not end a test's connection.
        connection.ServerTimeout = TimeSpan.FromMinutes(2);
        connection.HandshakeTimeout = TimeSpan.FromMinutes(1);
        var watcher = new HubWatcher(connection);
        try
        {
            await connection.StartAsync(cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        return watcher;
    }

    public Task SubscribeAsync(string videoId) => _connection.InvokeAsync("Subscribe", videoId);

    public Task UnsubscribeAsync(string videoId) => _connection.InvokeAsync("Unsubscribe", videoId);

    public Task SubscribeLiveAsync(string liveStreamId) => _connection.InvokeAsync("SubscribeLive", liveStreamId);

    public Task UnsubscribeLiveAsync(string liveStreamId) => _connection.InvokeAsync("UnsubscribeLive", liveStreamId);

    /// <summary>The next message for <paramref name="target"/> (others are skipped); the bound only guards against a hang.</summary>
    public async Task<HubMessage> NextAsync(string target, TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            while (true)
            {
                var message = await _messages.Reader.ReadAsync(cancellation.Token);
                if (message.Target == target)
                {
                    return message;
                }
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            throw new TimeoutException($"no '{target}' from the hub within {(timeout ?? TimeSpan.FromMinutes(2)).TotalSeconds:0} s (connection {_connection.State})");
        }
    }

    /// <summary>The live statuses that arrive (a repeat of the last one dropped) up to and including <paramref name="status"/>.</summary>
    public async Task<IReadOnlyList<string>> LiveStatusesUntilAsync(string status, TimeSpan? timeout = null)
    {
        var statuses = new List<string>();
        while (!statuses.Contains(status))
        {
            var next = (string)(await NextAsync(LiveUpdated, timeout)).Body["status"]!;
            if (statuses.LastOrDefault() != next)
            {
                statuses.Add(next);
            }
        }
        return statuses;
    }

    /// <summary>The messages that have arrived and were not read yet.</summary>
    public IReadOnlyList<HubMessage> Drain()
    {
        var drained = new List<HubMessage>();
        while (_messages.Reader.TryRead(out var message))
        {
            drained.Add(message);
        }
        return drained;
    }

    private void Record(string target, JsonElement body) =>
        _messages.Writer.TryWrite(new HubMessage(target, JsonNode.Parse(body.GetRawText())!, DateTimeOffset.UtcNow));

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        _messages.Writer.TryComplete();
    }
}
