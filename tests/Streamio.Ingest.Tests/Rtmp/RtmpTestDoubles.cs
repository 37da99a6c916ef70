using System.Collections.Concurrent;

namespace Streamio.Ingest.Tests.Rtmp;

/// <summary>The outside of the server: accepts the keys it was given (as live stream ids), refuses the rest, and remembers every request.</summary>
public sealed class TestPublishAuthorizer(IReadOnlyDictionary<string, string> liveStreamIdsByKey) : IPublishAuthorizer
{
    private readonly ConcurrentQueue<PublishRequest> _requests = new();

    public IReadOnlyList<PublishRequest> Requests => [.. _requests];

    public ValueTask<PublishDecision> AuthorizeAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        _requests.Enqueue(request);
        return ValueTask.FromResult(liveStreamIdsByKey.TryGetValue(request.StreamKey, out var id)
            ? PublishDecision.Accept(id)
            : PublishDecision.Refuse("unknown key"));
    }
}

/// <summary>What a handler saw of one session: the FLV it read (kept in a file) and how the session ended.</summary>
public sealed class RecordedSession(IngestSession session, string path)
{
    private long _bytes;

    public IngestSession Session { get; } = session;

    /// <summary>Where the FLV read so far is written.</summary>
    public string Path { get; } = path;

    public long Bytes => Interlocked.Read(ref _bytes);

    public bool ReachedEof { get; set; }

    public bool TokenCancelledAtEnd { get; set; }

    public bool Returned { get; set; }

    internal void Add(int count) => Interlocked.Add(ref _bytes, count);
}

/// <summary>
/// The outside of the server: reads each session's Media to the end into a file. With <see cref="StopAfterBytes"/>
/// it returns early instead, as a handler giving up on a stream would.
/// </summary>
public sealed class RecordingPublishHandler(string directory) : IPublishHandler
{
    private readonly ConcurrentQueue<RecordedSession> _sessions = new();

    public IReadOnlyList<RecordedSession> Sessions => [.. _sessions];

    public long? StopAfterBytes { get; init; }

    /// <summary>With <see cref="StopAfterBytes"/>: throw there instead of returning.</summary>
    public bool FailAtStop { get; set; }

    /// <summary>When set, the handler reads nothing until this completes: a slow consumer.</summary>
    public Task? ReadWhen { get; set; }

    public async Task RunAsync(IngestSession session, CancellationToken cancellationToken)
    {
        var record = new RecordedSession(session, System.IO.Path.Combine(directory, $"{session.LiveStreamId}-{Guid.NewGuid():N}.flv"));
        _sessions.Enqueue(record);
        try
        {
            if (ReadWhen is { } gate)
            {
                await gate;
            }

            await using var file = File.Create(record.Path);
            var buffer = new byte[64 * 1024];
            int read;
            // Read without the token: the server ends Media itself (EOF) when it stops, which is what is tested.
            while ((read = await session.Media.ReadAsync(buffer)) > 0)
            {
                await file.WriteAsync(buffer.AsMemory(0, read), CancellationToken.None);
                await file.FlushAsync(CancellationToken.None);
                record.Add(read);
                if (record.Bytes >= StopAfterBytes)
                {
                    if (FailAtStop)
                    {
                        throw new InvalidOperationException("The test handler fails here.");
                    }

                    return;
                }
            }

            record.ReachedEof = true;
        }
        finally
        {
            record.TokenCancelledAtEnd = cancellationToken.IsCancellationRequested;
            record.Returned = true;
        }
    }
}
