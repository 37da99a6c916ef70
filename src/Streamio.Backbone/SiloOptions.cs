namespace Streamio.Backbone;

public sealed class SiloOptions
{
    /// <summary>Work items this silo runs at once.</summary>
    public int Workers { get; set; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>How long a claim lasts without renewal; a lost silo's work is claimable again after this.</summary>
    public double LeaseSeconds { get; set; } = 20;

    public double HeartbeatSeconds { get; set; } = 2;

    /// <summary>A silo whose heartbeat is older than this is dead: its leases are handed back and it leaves the table.</summary>
    public double DeadAfterSeconds { get; set; } = 20;

    /// <summary>On shutdown, running work has this long to finish before it is cancelled and handed back.</summary>
    public double ShutdownGraceSeconds { get; set; } = 10;

    /// <summary>Claim poll interval when no wake-up arrives (other nodes' work, delayed retries).</summary>
    public double PollSeconds { get; set; } = 1;

    /// <summary>Delay before the first retry; doubles with each attempt.</summary>
    public double RetryDelaySeconds { get; set; } = 2;
}
