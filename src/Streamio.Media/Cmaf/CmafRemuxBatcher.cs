namespace Streamio.Media.Cmaf;

/// <summary>
/// Gathers the CMAF remuxes a silo's chunks ask for and runs them together: a chunk's rungs close their segments within
/// moments of each other (one decode feeds them all), and an FFmpeg start costs more CPU than the remux of a segment
/// (measured on the 30 s 1080p bench clip: 44 one-segment runs took 4.65 s, 7.7 % of a single FFmpeg's whole ladder).
/// The first request waits <see cref="GatherWindow"/> for others; requests that come while a batch runs go in the next.
/// A failed batch is retried one request at a time, so one unreadable segment fails only its own request.
/// </summary>
public sealed class CmafRemuxBatcher(CmafRemuxer remuxer) : IDisposable
{
    /// <summary>How long the first request of a batch waits for others: short next to a segment's length.</summary>
    public static readonly TimeSpan GatherWindow = TimeSpan.FromMilliseconds(150);

    /// <summary>The most segments one FFmpeg run takes (a few chunks' rungs).</summary>
    public const int MaxBatch = 16;

    private readonly Lock _gate = new();
    private readonly List<Pending> _queue = [];
    private readonly CancellationTokenSource _disposed = new();
    private bool _draining;

    /// <summary>Runs <see cref="CmafRemuxer.RemuxAsync"/> for this segment, in one FFmpeg run with others asked for meanwhile.</summary>
    public Task<CmafParts> RemuxAsync(string tsPath, int index, CencKey key, CancellationToken cancellationToken)
    {
        var pending = new Pending(new CmafRemuxRequest(tsPath, index, key), cancellationToken);
        lock (_gate)
        {
            _queue.Add(pending);
            if (!_draining)
            {
                _draining = true;
                _ = Task.Run(DrainAsync, CancellationToken.None);
            }
        }
        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            try
            {
                await Task.Delay(GatherWindow, _disposed.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Shutting down: what waits is cancelled below, one batch at a time.
            }
            List<Pending> batch;
            lock (_gate)
            {
                // A request whose caller gave up is dropped: its segment may be gone already.
                foreach (var abandoned in _queue.Where(pending => pending.CancellationToken.IsCancellationRequested).ToList())
                {
                    _queue.Remove(abandoned);
                    abandoned.Completion.TrySetCanceled(abandoned.CancellationToken);
                }
                batch = [.. _queue.Take(MaxBatch)];
                _queue.RemoveRange(0, batch.Count);
                if (batch.Count == 0)
                {
                    _draining = false;
                    return;
                }
            }
            await RunAsync(batch).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(List<Pending> batch)
    {
        try
        {
            var parts = await remuxer.RemuxManyAsync([.. batch.Select(pending => pending.Request)], _disposed.Token).ConfigureAwait(false);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(parts[i]);
            }
        }
        catch (Exception) when (batch.Count > 1 && !_disposed.IsCancellationRequested)
        {
            foreach (var pending in batch)
            {
                await RunAsync([pending]).ConfigureAwait(false);
            }
        }
        catch (Exception failed)
        {
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(failed);
            }
        }
    }

    private sealed record Pending(CmafRemuxRequest Request, CancellationToken CancellationToken)
    {
        public TaskCompletionSource<CmafParts> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
