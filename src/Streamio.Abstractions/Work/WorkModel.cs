namespace Streamio.Abstractions.Work;

[GenerateSerializer]
public enum WorkKind
{
    Probe,
    EncodeChunk,
    EncodeAudio,
    Finish,
}

public static class WorkKinds
{
    /// <summary>Every kind, for per-kind counts that list zeros too.</summary>
    public static readonly IReadOnlyList<WorkKind> All = Enum.GetValues<WorkKind>();

    /// <summary>The kind's name in metrics, spans and logs: probe, chunk, audio, finish.</summary>
    public static string Label(this WorkKind kind) => kind switch
    {
        WorkKind.Probe => "probe",
        WorkKind.EncodeChunk => "chunk",
        WorkKind.EncodeAudio => "audio",
        _ => "finish",
    };
}

/// <summary>
/// A video's work item as the scheduler queues it. Higher <paramref name="Priority"/> runs first. <paramref name="Kind"/>
/// lets the scheduler count its queue per kind; <paramref name="TraceParent"/> is the W3C trace context of the video's
/// pipeline (null without tracing), so the worker that runs the item, on whichever silo, joins the upload's trace.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record WorkTicket(string VideoId, int ItemId, int Priority, DateTimeOffset NotBefore, WorkKind Kind = WorkKind.EncodeChunk, string? TraceParent = null);

/// <summary>
/// Everything a silo worker needs to run one attempt of one item. <c>ProgressiveSource</c>, when set, is the URL of an
/// upload still arriving, read from the front instead of <c>SourceKey</c> (the plan's duration is provisional then).
/// <c>ChunksPending</c>: how many more chunks of the video wait to run, which the worker weighs to share its cores.
/// <c>Forensic</c>: the video gets forensic copies (whole segments only), so nothing of it starts before its plan.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record WorkAssignment(
    string VideoId,
    string ProjectId,
    int ItemId,
    int Attempt,
    WorkKind Kind,
    string SourceKey,
    Videos.SourceFacts? Source,
    Videos.EncodingPlan? Plan,
    int FirstSegment,
    int SegmentCount,
    IReadOnlyList<string> Rungs,
    bool IsLastChunk,
    bool SourceIsExternal,
    bool SourceDeleted,
    bool Repair,
    Projects.ProjectLogo? Logo = null,
    string? ProgressiveSource = null,
    int ChunksPending = 0,
    bool Forensic = false);

/// <summary>
/// The encode a probing silo started beside the probe, before the plan existed: segment 0 (<paramref name="FirstSegmentSeconds"/>
/// long, on a timeline of <paramref name="SegmentSeconds"/>) at <paramref name="Height"/> and <paramref name="VideoKbps"/>,
/// the width the source's aspect gives. The video adopts it when its plan's fast start is that encode.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record EarlyFastStart(int Height, int VideoKbps, double FirstSegmentSeconds, double SegmentSeconds);

/// <summary>
/// What the scheduler knows: work waiting, work running and where, and the general workers each silo named on its
/// last poll (a silo that has not polled yet is not listed).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SchedulerView(int Waiting, int Running, IReadOnlyDictionary<string, int> RunningBySilo, int ActiveVideos,
    IReadOnlyDictionary<string, int>? WorkersBySilo = null);

/// <summary>
/// The cluster's work queue (a single grain, key 0): videos hand it tickets, silo workers take the most urgent one.
/// Its queue lives in memory: the videos own the durable truth and hand their tickets again after a restart.
/// </summary>
public interface IWorkSchedulerGrain : IGrainWithIntegerKey
{
    /// <summary>Adds or refreshes tickets (idempotent per video and item).</summary>
    Task EnqueueAsync(IReadOnlyList<WorkTicket> tickets);

    /// <summary>Drops every ticket of a video (deleted or failed).</summary>
    Task CancelAsync(string videoId);

    /// <summary>
    /// The most urgent due ticket of at least <paramref name="minimumPriority"/> for a worker of
    /// <paramref name="siloAddress"/>, waiting up to <paramref name="wait"/> for one. <paramref name="siloWorkers"/>: how
    /// many general workers that silo runs (0: not said), which sizes the chunks of videos planned meanwhile.
    /// </summary>
    Task<WorkTicket?> TakeAsync(string siloAddress, TimeSpan wait, int minimumPriority = int.MinValue, int siloWorkers = 0);

    /// <summary>The general workers of the live silos that asked for work lately (at least 1): the cluster's parallelism.</summary>
    [ReadOnly]
    Task<int> GetWorkersAsync();

    /// <summary>The worker is done with the ticket (finished, failed or handed back).</summary>
    Task DoneAsync(string videoId, int itemId);

    [ReadOnly]
    Task<SchedulerView> GetViewAsync();
}
