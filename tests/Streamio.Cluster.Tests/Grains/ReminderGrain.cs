using System.Collections.Concurrent;

namespace Streamio.Cluster.Tests.Grains;

public interface IReminderGrain : IGrainWithStringKey
{
    Task Start(TimeSpan period);

    Task Stop();

    Task<bool> IsRegistered();
}

public sealed class ReminderGrain : Grain, IReminderGrain, IRemindable
{
    public const string ReminderName = "tick";

    public async Task Start(TimeSpan period) => await this.RegisterOrUpdateReminder(ReminderName, period, period);

    public async Task Stop()
    {
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public async Task<bool> IsRegistered() => await this.GetReminder(ReminderName) is not null;

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        ReminderTicks.For(this.GetPrimaryKeyString()).Release();
        return Task.CompletedTask;
    }
}

/// <summary>Test hook: each tick of a grain's reminder releases that grain's semaphore once.</summary>
public static class ReminderTicks
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Ticks = new();

    public static SemaphoreSlim For(string grainKey) => Ticks.GetOrAdd(grainKey, _ => new SemaphoreSlim(0));

    /// <summary>Forgets the ticks counted so far, so the next wait sees only ticks that come after this call.</summary>
    public static void Reset(string grainKey) => Ticks[grainKey] = new SemaphoreSlim(0);
}
