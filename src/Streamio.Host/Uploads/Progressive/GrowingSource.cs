namespace Streamio.Host.Uploads.Progressive;

/// <summary>
/// The bytes of an upload still in progress, kept readable on the node that receives them: appended to a scratch file,
/// and read by any number of readers that wait for more bytes instead of seeing an end, until the upload completes
/// (then they see the end) or is abandoned (then they fail). What FFmpeg reads while encoding during the upload (issue 14).
/// </summary>
public sealed class GrowingSource : IDisposable
{
    private readonly object _gate = new();
    private readonly FileStream _writer;
    private TaskCompletionSource _changed = NewSignal();
    private long _length;
    private bool _complete;
    private string? _abandoned;

    public GrowingSource(string path)
    {
        Path = path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        _writer = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete);
    }

    public string Path { get; }

    /// <summary>Bytes received so far: what a reader may read now.</summary>
    public long Length
    {
        get
        {
            lock (_gate)
            {
                return _length;
            }
        }
    }

    public async Task AppendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _writer.WriteAsync(bytes, cancellationToken);
        await _writer.FlushAsync(cancellationToken);
        Change(() => _length += bytes.Length);
    }

    /// <summary>The last byte arrived: readers see the end after it.</summary>
    public void Complete() => Change(() => _complete = true);

    /// <summary>
    /// The upload broke off or was refused: every reader, waiting or not, fails with <paramref name="reason"/>. A complete
    /// upload stays complete (readers still at it read to the end).
    /// </summary>
    public void Abandon(string reason) => Change(() =>
    {
        if (!_complete)
        {
            _abandoned ??= reason;
        }
    });

    /// <summary>A reader from the first byte, which waits for bytes not received yet.</summary>
    public Stream OpenReader() => new Reader(this, new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));

    public void Dispose()
    {
        Abandon("the upload is gone");
        _writer.Dispose();
    }

    /// <summary>How many bytes are readable beyond <paramref name="position"/>: waits while none are and the upload goes on; 0 is the end.</summary>
    private async ValueTask<long> AvailableAfterAsync(long position, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_abandoned is not null)
                {
                    throw new IOException($"The upload was abandoned: {_abandoned}");
                }
                if (_length > position || _complete)
                {
                    return _length - position;
                }
                changed = _changed.Task;
            }
            await changed.WaitAsync(cancellationToken);
        }
    }

    private void Change(Action change)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            change();
            changed = _changed;
            _changed = NewSignal();
        }
        changed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Reader(GrowingSource source, FileStream file) : ForwardReadStream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var available = await source.AvailableAfterAsync(file.Position, cancellationToken);
            return available == 0 ? 0 : await file.ReadAsync(buffer[..(int)Math.Min(buffer.Length, available)], cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                file.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
