namespace Streamio.Grains.Webhooks;

/// <summary>Webhook delivery settings (configuration section <c>Streamio:Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    /// <summary>How long one attempt may take before it counts as failed.</summary>
    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>Delay before the second attempt; it doubles after every failed attempt.</summary>
    public double FirstRetrySeconds { get; set; } = 10;

    /// <summary>The doubling stops at this delay.</summary>
    public double MaxRetryIntervalSeconds { get; set; } = 3600;

    /// <summary>A delivery is given up (status failed) when its next attempt would fall this long after the event.</summary>
    public double RetryForHours { get; set; } = 24;

    /// <summary>
    /// How often a webhook with pending deliveries is woken by its reminder, so retries go on after a restart (a grain
    /// timer handles the delays while the grain is active). Never below Orleans' minimum reminder period.
    /// </summary>
    public double ReminderPeriodSeconds { get; set; } = 60;
}
