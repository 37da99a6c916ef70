namespace Streamio.Host.Tests.Progressive;

/// <summary>
/// A client's upload body it controls: bytes go out in small pieces until <c>holdAt</c>, then it holds the rest until
/// the test releases it (or breaks it off). <see cref="Sent"/> is what has left the client so far, so a test can say
/// "seen while the client still held bytes" from the client's own state, never from timing.
/// </summary>
public sealed class HeldUploadStream(byte[] bytes, long holdAt, int piece = 64 * 1024) : Streamio.Host.Uploads.ForwardReadStream
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sent;
    private bool _breakOff;

    public long Sent => Interlocked.Read(ref _sent);

    public long Total => bytes.Length;

    /// <summary>Completes when the client has sent everything before the hold and waits.</summary>
    public Task Held => _held.Task;

    /// <summary>The rest may go.</summary>
    public void Release() => _release.TrySetResult();

    /// <summary>The client vanishes at the hold: the request body fails.</summary>
    public void BreakOff()
    {
        _breakOff = true;
        _release.TrySetResult();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var sent = Sent;
        if (sent == holdAt)
        {
            _held.TrySetResult();
            // Generous: a test that never releases fails on its own assertion, not by hanging here.
            await _release.Task.WaitAsync(TimeSpan.FromMinutes(3), cancellationToken).ContinueWith(_ => { }, CancellationToken.None);
            if (_breakOff)
            {
                throw new IOException("the test's client broke its upload off");
            }
        }
        var limit = sent < holdAt ? holdAt : bytes.Length;
        var count = (int)Math.Min(Math.Min(buffer.Length, piece), limit - sent);
        if (count <= 0)
        {
            return 0;
        }
        bytes.AsMemory((int)sent, count).CopyTo(buffer);
        Interlocked.Add(ref _sent, count);
        // A throttled line: the server sees the bytes arrive over time rather than all at once.
        await Task.Delay(5, cancellationToken);
        return count;
    }
}
