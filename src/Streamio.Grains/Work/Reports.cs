namespace Streamio.Grains.Work;

/// <summary>How a worker reports the outcome of an attempt to its video, and which errors are not the work's fault.</summary>
public static class Reports
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    /// <summary>
    /// A report survives the time it takes Orleans to declare a dead silo dead: while the video's grain lives on a silo
    /// that stopped answering, calls to it fail until membership moves it (some 15-30 s with the default settings).
    /// Giving up sooner would leave the item marked as running on this live silo, and the video would never finish.
    /// </summary>
    public static async Task RetryAsync(Func<Task> report)
    {
        var deadline = DateTimeOffset.UtcNow + Patience;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await report();
                return;
            }
            catch (Exception error) when (IsTransient(error) && DateTimeOffset.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), CancellationToken.None);
            }
        }
    }

    /// <summary>The call did not reach the grain (silo gone, message rejected, timed out); the grain's own errors are final.</summary>
    private static bool IsTransient(Exception error) => error is OrleansException or TimeoutException;

    /// <summary>
    /// Whether an attempt broke off because a grain call did not get through (see <see cref="IsTransient"/>), here or in
    /// what the error wraps: not the work's fault, so it does not count as one of its attempts.
    /// </summary>
    public static bool IsUnreachableGrain(Exception error) => AnyCause(error, IsTransient);

    /// <summary>
    /// Whether FFmpeg's HTTP input found an upload's growing copy gone (<c>Server returned 404 Not Found</c>), here or in
    /// what the error wraps.
    /// </summary>
    public static bool IsGrowingSourceGone(Exception error) => AnyCause(error, cause =>
        cause.Message.Contains("404 Not Found", StringComparison.Ordinal)
        || cause is Media.MediaToolException { StderrTail: var stderr } && stderr.Contains("404 Not Found", StringComparison.Ordinal));

    /// <summary>Whether <paramref name="error"/>, an exception it wraps, or any of an aggregate's, passes <paramref name="test"/>.</summary>
    private static bool AnyCause(Exception error, Func<Exception, bool> test)
    {
        for (Exception? current = error; current is not null; current = current.InnerException)
        {
            if (test(current) || current is AggregateException { InnerExceptions: var inner } && inner.Any(each => AnyCause(each, test)))
            {
                return true;
            }
        }
        return false;
    }
}
