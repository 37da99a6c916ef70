namespace Streamio.Ingest.Tests.Rtmp;

/// <summary>Polls for a condition; the generous limit only turns a hang into a failure, it is not what is tested.</summary>
public static class RtmpWait
{
    public static async Task UntilAsync(Func<bool> condition, string what, int seconds = 60)
    {
        var limit = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > limit)
            {
                throw new TimeoutException($"Still waiting after {seconds} s for: {what}");
            }

            await Task.Delay(50);
        }
    }
}
