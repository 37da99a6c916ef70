using System.IO.Pipelines;

namespace Streamio.Ingest.Rtmp;

/// <summary>
/// One accepted publish: the FLV the handler reads, fed through a <see cref="Pipe"/> so that a handler reading slower
/// than the publisher sends holds up the connection (and through TCP, the publisher) instead of filling memory.
/// </summary>
internal sealed class RtmpPublishSession
{
    // Back-pressure sets in at 1 MiB waiting for the handler: a few frames of a typical stream.
    private const long PauseWriterThreshold = 1024 * 1024;

    private readonly Pipe _pipe = new(new PipeOptions(
        pauseWriterThreshold: PauseWriterThreshold,
        resumeWriterThreshold: PauseWriterThreshold / 2,
        useSynchronizationContext: false));

    private volatile bool _ended;
    private bool _readerGone;

    public RtmpPublishSession(uint streamId, string liveStreamId)
    {
        StreamId = streamId;
        LiveStreamId = liveStreamId;
        // Flushed with the first tag (or on completion), so the byte count below includes it.
        RtmpFlvWriter.WriteHeader(_pipe.Writer);
        Media = _pipe.Reader.AsStream();
    }

    /// <summary>The RTMP message stream the publisher sends its media on.</summary>
    public uint StreamId { get; }

    public string LiveStreamId { get; }

    public Stream Media { get; }

    /// <summary>Set by the connection once the handler runs.</summary>
    public Task Handler { get; set; } = Task.CompletedTask;

    public long Tags { get; private set; }

    public long Bytes { get; private set; }

    /// <summary>The publisher (or the connection) ended the stream: the handler has seen or will see EOF.</summary>
    public bool Ended => _ended;

    /// <summary>Writes the message's FLV tags and waits while the handler is behind; after the handler stopped reading, drops them.</summary>
    public async ValueTask WriteAsync(RtmpMessage message, CancellationToken cancellationToken)
    {
        if (_ended || _readerGone)
        {
            return;
        }

        var tags = RtmpFlvWriter.WriteMessage(_pipe.Writer, message);
        if (tags == 0)
        {
            return;
        }

        Tags += tags;
        Bytes += _pipe.Writer.UnflushedBytes;
        var flushed = await _pipe.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        _readerGone = flushed.IsCompleted;
    }

    /// <summary>Ends the FLV stream: the handler reads what is buffered, then EOF.</summary>
    public void Complete()
    {
        if (!_ended)
        {
            _ended = true;
            _pipe.Writer.Complete();
        }
    }

    /// <summary>The handler is done: nothing more will be read, so writes stop waiting.</summary>
    public void CompleteReader() => _pipe.Reader.Complete();
}
