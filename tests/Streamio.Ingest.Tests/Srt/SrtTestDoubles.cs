using System.Collections.Concurrent;
using Streamio.Testing;

namespace Streamio.Ingest.Tests.Srt;

/// <summary>Accepts the keys it was given (key → live stream id) and remembers every request it was asked.</summary>
public sealed class KeyListAuthorizer(IReadOnlyDictionary<string, string> keys, TimeSpan? delay = null) : IPublishAuthorizer
{
    private readonly ConcurrentQueue<PublishRequest> _requests = new();

    public IReadOnlyList<PublishRequest> Requests => [.. _requests];

    public async ValueTask<PublishDecision> AuthorizeAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        _requests.Enqueue(request);
        if (delay is { } wait)
        {
            await Task.Delay(wait, cancellationToken);
        }

        return keys.TryGetValue(request.StreamKey, out var liveStreamId)
            ? PublishDecision.Accept(liveStreamId)
            : PublishDecision.Refuse("unknown key");
    }
}

/// <summary>One session the handler got: its media is written to a file until the end of the stream.</summary>
public sealed class RecordedSession(IngestSession session, string path)
{
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _bytes;

    public IngestSession Session => session;

    public string Path => path;

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Completes when <see cref="IngestSession.Media"/> reached its end.</summary>
    public Task Ended => _ended.Task;

    /// <summary>Whether the server's token was cancelled when the media ended.</summary>
    public bool TokenCancelledAtEnd { get; private set; }

    internal void Add(int count) => Interlocked.Add(ref _bytes, count);

    internal void End(bool tokenCancelled)
    {
        TokenCancelledAtEnd = tokenCancelled;
        _ended.TrySetResult();
    }
}

/// <summary>
/// Reads every session to its end (on purpose ignoring the token, to see the server end the media itself) and keeps
/// the bytes in a file per session. With <c>returnAtOnce</c> it takes nothing and returns, as a handler that gave up.
/// </summary>
public sealed class RecordingHandler(TempDirectory folder, bool returnAtOnce = false) : IPublishHandler
{
    private readonly ConcurrentQueue<RecordedSession> _sessions = new();
    private int _count;

    public IReadOnlyList<RecordedSession> Sessions => [.. _sessions];

    public async Task RunAsync(IngestSession session, CancellationToken cancellationToken)
    {
        var recorded = new RecordedSession(session, folder.Combine($"session-{Interlocked.Increment(ref _count)}.ts"));
        _sessions.Enqueue(recorded);
        if (returnAtOnce)
        {
            return;
        }

        await using (var output = File.Create(recorded.Path))
        {
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await session.Media.ReadAsync(buffer, CancellationToken.None)) > 0)
            {
                await output.WriteAsync(buffer.AsMemory(0, read), CancellationToken.None);
                recorded.Add(read);
            }
        }

        recorded.End(cancellationToken.IsCancellationRequested);
    }
}
