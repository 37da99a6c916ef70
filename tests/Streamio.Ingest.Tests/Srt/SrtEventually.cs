namespace Streamio.Ingest.Tests.Srt;

/// <summary>Polls for a condition with a generous limit (the machine is shared), failing with what was awaited.</summary>
public static class SrtEventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, double seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Waited {seconds} s for {what}.");
            }

            await Task.Delay(50);
        }
    }

    public static async Task CompletesAsync(Task task, string what, double seconds = 60)
    {
        if (await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(seconds))) != task)
        {
            Assert.Fail($"Waited {seconds} s for {what}.");
        }

        await task;
    }
}
