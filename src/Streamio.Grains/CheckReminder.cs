using Orleans.Configuration;

namespace Streamio.Grains;

/// <summary>
/// The "check" reminder grains keep while they have something to repeat (hand-overs, an outbox, a session to watch):
/// every <c>Streamio:Silo:CheckSeconds</c>, never below Orleans' minimum reminder period.
/// </summary>
public static class CheckReminder
{
    public const string Name = "check";

    public static async Task EnsureCheckReminderAsync(this Grain grain, SiloWorkOptions silo, ReminderOptions reminders)
    {
        var period = TimeSpan.FromSeconds(Math.Max(silo.CheckSeconds, reminders.MinimumReminderPeriod.TotalSeconds));
        await grain.RegisterOrUpdateReminder(Name, period, period);
    }

    public static async Task StopCheckReminderAsync(this Grain grain)
    {
        if (await grain.GetReminder(Name) is { } reminder)
        {
            await grain.UnregisterReminder(reminder);
        }
    }
}
