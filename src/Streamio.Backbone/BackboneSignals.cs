namespace Streamio.Backbone;

/// <summary>
/// Wake-ups inside one process: new work was enqueued, new events were committed. The SQLite backend raises them on
/// commit; a networked backend raises them from its notifications. Pollers still poll, so a lost signal only delays.
/// </summary>
public sealed class BackboneSignals
{
    private readonly Pulse _work = new();
    private readonly Pulse _events = new();

    public void WorkEnqueued() => _work.Set();

    public void EventsCommitted() => _events.Set();

    public Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken) => _work.WaitAsync(timeout, cancellationToken);

    public Task WaitForEventsAsync(TimeSpan timeout, CancellationToken cancellationToken) => _events.WaitAsync(timeout, cancellationToken);

    /// <summary>Wakes every current waiter; a waiter arriving later waits for the next pulse.</summary>
    private sealed class Pulse
    {
        private TaskCompletionSource _next = NewSource();

        public void Set() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

        public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            var next = Volatile.Read(ref _next).Task;
            try
            {
                await next.WaitAsync(timeout, cancellationToken);
            }
            catch (TimeoutException)
            {
                // A timed-out wait is a poll tick, not an error.
            }
        }

        private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
