namespace Streamio.Grains;

/// <summary>How a silo runs work (configuration section <c>Streamio:Silo</c>).</summary>
public sealed class SiloWorkOptions
{
    /// <summary>
    /// Work items this silo runs at once. 0 makes a control silo: it hosts grains (and the work scheduler) but takes no
    /// work, so worker silos can come and go, down to none, while every grain still has a home.
    /// </summary>
    public int Workers { get; set; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>
    /// More loops that take only the work that makes a video playable (probe, fast start, audio: priority
    /// <see cref="Videos.WorkPriority.Audio"/> and up), so a new upload never waits behind other videos' chunks. That
    /// work is short or light, so these loops oversubscribe the cores only briefly. None on a control silo (Workers=0).
    /// </summary>
    public int FastLaneWorkers { get; set; } = 1;

    /// <summary>On shutdown, running work has this long to finish before it is cancelled and handed back.</summary>
    public double ShutdownGraceSeconds { get; set; } = 10;

    /// <summary>Delay before the first retry of a failed attempt; doubles with each attempt.</summary>
    public double RetryDelaySeconds { get; set; } = 2;

    /// <summary>How often an unfinished video checks on its work (the backstop for lost silos and restarts).</summary>
    public double CheckSeconds { get; set; } = 10;
}
