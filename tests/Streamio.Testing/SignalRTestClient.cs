using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Streamio.Testing;

/// <summary>A message the server invoked on the client: the target name and its JSON arguments.</summary>
public sealed record HubMessage(string Target, IReadOnlyList<JsonNode?> Arguments, DateTimeOffset ReceivedAt);

/// <summary>A hub method failed on the server (a completion carrying an error).</summary>
public sealed class HubInvocationException(string message) : Exception(message);

/// <summary>
/// A minimal SignalR client speaking the JSON hub protocol over a WebSocket (the .NET SignalR client package cannot be
/// restored here): handshake, invocations (type 1) with their completions (type 3), pings (type 6) both ways.
/// </summary>
public sealed class SignalRTestClient : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';

    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonNode?>> _pending = new();
    private readonly Channel<HubMessage> _messages = Channel.CreateUnbounded<HubMessage>();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _receiving = Task.CompletedTask;
    private Task _pinging = Task.CompletedTask;
    private int _nextInvocationId;

    private SignalRTestClient()
    {
    }

    /// <summary>Everything the server invoked, in arrival order.</summary>
    public ChannelReader<HubMessage> Messages => _messages.Reader;

    /// <summary>Connects straight to the hub's WebSocket (no negotiate round trip) and completes the handshake.</summary>
    public static async Task<SignalRTestClient> ConnectAsync(Uri baseAddress, string hubPath, CancellationToken cancellationToken = default)
    {
        var client = new SignalRTestClient();
        var address = new UriBuilder(new Uri(baseAddress, hubPath)) { Scheme = baseAddress.Scheme == "https" ? "wss" : "ws" }.Uri;
        await client._socket.ConnectAsync(address, cancellationToken);
        await client.SendRawAsync("{\"protocol\":\"json\",\"version\":1}", cancellationToken);
        var handshake = await client.ReceiveRecordsAsync(cancellationToken);
        var answer = JsonNode.Parse(handshake.Single())!.AsObject();
        if (answer["error"] is { } error)
        {
            throw new HubInvocationException($"handshake refused: {error}");
        }
        client._receiving = Task.Run(client.ReceiveLoopAsync, CancellationToken.None);
        client._pinging = Task.Run(client.PingLoopAsync, CancellationToken.None);
        return client;
    }

    /// <summary>Invokes a hub method and waits for its completion; a server error becomes <see cref="HubInvocationException"/>.</summary>
    public async Task<JsonNode?> InvokeAsync(string target, params object?[] arguments)
    {
        var invocationId = Interlocked.Increment(ref _nextInvocationId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var completion = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[invocationId] = completion;
        var message = new JsonObject
        {
            ["type"] = 1,
            ["invocationId"] = invocationId,
            ["target"] = target,
            ["arguments"] = JsonSerializer.SerializeToNode(arguments),
        };
        await SendRawAsync(message.ToJsonString(), _stop.Token);
        return await completion.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>The next message for <paramref name="target"/> (others are skipped), or a failed test after the hang guard.</summary>
    public async Task<HubMessage> NextAsync(string target, TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        while (true)
        {
            var message = await _messages.Reader.ReadAsync(cancellation.Token);
            if (message.Target == target)
            {
                return message;
            }
        }
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                foreach (var record in await ReceiveRecordsAsync(_stop.Token))
                {
                    Dispatch(JsonNode.Parse(record)!.AsObject());
                }
            }
        }
        catch (Exception error) when (error is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // Closed.
        }
        finally
        {
            _messages.Writer.TryComplete();
            foreach (var pending in _pending.Values)
            {
                pending.TrySetException(new HubInvocationException("the connection closed"));
            }
        }
    }

    private void Dispatch(JsonObject message)
    {
        switch ((int)message["type"]!)
        {
            case 1:
                var arguments = message["arguments"]?.AsArray().Select(argument => argument?.DeepClone()).ToList() ?? [];
                _messages.Writer.TryWrite(new HubMessage((string)message["target"]!, arguments, DateTimeOffset.UtcNow));
                break;
            case 3 when _pending.TryRemove((string)message["invocationId"]!, out var completion):
                if (message["error"] is { } error)
                {
                    completion.TrySetException(new HubInvocationException((string)error!));
                }
                else
                {
                    completion.TrySetResult(message["result"]?.DeepClone());
                }
                break;
            case 7:
                _stop.Cancel();
                break;
        }
    }

    /// <summary>The server drops a client silent for 30 s; tests wait longer than that for whole encodes.</summary>
    private async Task PingLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), _stop.Token);
                await SendRawAsync("{\"type\":6}", _stop.Token);
            }
        }
        catch (Exception error) when (error is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
    }

    private async Task SendRawAsync(string json, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(json + RecordSeparator);
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Reads one WebSocket message and splits it into its records (one message may carry several).</summary>
    private async Task<IReadOnlyList<string>> ReceiveRecordsAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        using var content = new MemoryStream();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new WebSocketException("closed by the server");
            }
            content.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                break;
            }
        }
        return Encoding.UTF8.GetString(content.ToArray()).Split(RecordSeparator, StringSplitOptions.RemoveEmptyEntries);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception error) when (error is WebSocketException or TimeoutException)
            {
            }
        }
        await Task.WhenAll(_receiving, _pinging).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _socket.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
    }
}
