using System.Diagnostics;

namespace Streamio.Cli.Uploads;

/// <summary>Keeps an upload under a byte rate (`--limit-rate`), counted over the whole upload, across its chunks.</summary>
public sealed class RateLimit(long bytesPerSecond)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _bytes;

    /// <summary>Small reads keep the pace even; a tenth of a second's worth at a time.</summary>
    public int MaxRead => (int)Math.Clamp(bytesPerSecond / 10, 4096, 1024 * 1024);

    public async Task WaitAsync(int justRead, CancellationToken cancellationToken)
    {
        _bytes += justRead;
        var due = TimeSpan.FromSeconds((double)_bytes / bytesPerSecond) - _clock.Elapsed;
        if (due > TimeSpan.Zero)
        {
            await Task.Delay(due, cancellationToken);
        }
    }
}

/// <summary>
/// One PATCH body: <c>count</c> bytes of the file from where it stands, reporting the file position as they are read
/// (the progress bar) and holding to the rate limit if there is one.
/// </summary>
public sealed class ProgressStream(Stream file, long length, IProgress<long> progress, RateLimit? limit) : Stream
{
    private long _sent;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => _sent; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var left = length - _sent;
        if (left == 0)
        {
            return 0;
        }
        var most = (int)Math.Min(Math.Min(buffer.Length, left), limit?.MaxRead ?? int.MaxValue);
        var read = await file.ReadAsync(buffer[..most], cancellationToken);
        if (read == 0)
        {
            throw new IOException("The file got shorter while it was being uploaded: upload it again once it stops changing.");
        }
        _sent += read;
        progress.Report(file.Position);
        if (limit is not null)
        {
            await limit.WaitAsync(read, cancellationToken);
        }
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
