namespace Streamio.Grains;

/// <summary>
/// A grain's committed events not yet handed to its project (videos' and live streams' webhook outboxes): handed over
/// oldest first, each leaving the list only once the project holds it, the state written after each.
/// </summary>
internal static class EventOutbox
{
    public static async Task FlushAsync<TEvent>(List<TEvent> outbox, Func<TEvent, Task> handOver, Func<Task> write)
    {
        while (outbox.Count > 0)
        {
            await handOver(outbox[0]);
            outbox.RemoveAt(0);
            await write();
        }
    }

    /// <summary>As <see cref="FlushAsync"/>; a failure is logged and left to the grain's check reminder, which is made sure of.</summary>
    public static async Task FlushQuietlyAsync(Func<Task> flush, Action<Exception> log, Func<Task> ensureReminded)
    {
        try
        {
            await flush();
        }
        catch (Exception error)
        {
            log(error);
            await ensureReminded();
        }
    }
}
