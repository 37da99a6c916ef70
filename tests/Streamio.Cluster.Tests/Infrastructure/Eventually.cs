namespace Streamio.Cluster.Tests.Infrastructure;

public static class Eventually
{
    /// <summary>
    /// Polls until <paramref name="condition"/> holds. The timeout only turns a hang into a failure; nothing is
    /// asserted about how long it took. Exceptions while polling count as "not yet" (a cluster in flux throws).
    /// </summary>
    public static async Task HoldsAsync(string what, Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        Exception? lastError = null;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception error)
            {
                lastError = error;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"Gave up waiting for {what}.{(lastError is null ? "" : $" Last error: {lastError}")}");
            }
            await Task.Delay(200);
        }
    }
}
