using System.IO.Pipelines;

namespace Streamio.Ingest.Srt;

/// <summary>
/// One accepted publisher socket: a dedicated thread blocks in <c>srt_recvmsg</c> and writes each message (a run of
/// 188-byte MPEG-TS packets) into a pipe, whose reader is the session's <see cref="Media"/>. The pipe ends when the
/// publisher disconnects or goes silent for the peer idle timeout, or when the socket is closed here.
/// </summary>
internal sealed class SrtConnection(int socket, string keyHint)
{
    // SRT_LIVE_MAX_PLSIZE: the largest payload one live-mode message carries.
    private const int MaxMessageBytes = 1456;

    // A handler that falls behind holds up to this much; past it the receive thread waits and libsrt's own buffer
    // (then the too-late drop) takes the strain, as live SRT does.
    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20, useSynchronizationContext: false));
    private readonly TaskCompletionSource _received = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _closed;
    private long _bytes;

    public int Socket => socket;

    public string KeyHint => keyHint;

    public Stream Media => field ??= _pipe.Reader.AsStream();

    public long BytesReceived => Interlocked.Read(ref _bytes);

    /// <summary>Why the receive loop ended (set before <see cref="Received"/> completes).</summary>
    public string EndReason { get; private set; } = "still receiving";

    /// <summary>Completes when the receive loop has ended and the pipe is complete.</summary>
    public Task Received => _received.Task;

    /// <summary>The handler's run and the clean-up after it.</summary>
    public Task Lifetime { get; set; } = Task.CompletedTask;

    public void StartReceiving() =>
        new Thread(ReceiveLoop) { IsBackground = true, Name = $"srt-recv {socket}" }.Start();

    /// <summary>Closes the socket once; a blocked <c>srt_recvmsg</c> returns at once.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            SrtNative.Close(socket);
        }
    }

    /// <summary>Ends the reading side, so a receive loop waiting for room in the pipe stops.</summary>
    public void CompleteReader() => _pipe.Reader.Complete();

    private unsafe void ReceiveLoop()
    {
        var writer = _pipe.Writer;
        try
        {
            while (true)
            {
                var buffer = writer.GetSpan(MaxMessageBytes);
                int received;
                fixed (byte* pointer = buffer)
                {
                    received = SrtNative.ReceiveMessage(socket, pointer, buffer.Length);
                }

                if (received <= 0)
                {
                    EndReason = Volatile.Read(ref _closed) == 1 ? "closed by the server"
                        : received == 0 ? "the publisher closed the connection"
                        : $"connection ended: {SrtNative.LastError()}";
                    return;
                }

                writer.Advance(received);
                Interlocked.Add(ref _bytes, received);
                var flush = writer.FlushAsync();
                var result = flush.IsCompleted ? flush.Result : flush.AsTask().GetAwaiter().GetResult();
                if (result.IsCompleted)
                {
                    EndReason = "the handler stopped reading";
                    return;
                }
            }
        }
        catch (InvalidOperationException e)
        {
            // The reader was completed under a writer that was waiting for room (a forced stop).
            EndReason = e.Message;
        }
        finally
        {
            writer.Complete();
            _received.TrySetResult();
        }
    }
}
