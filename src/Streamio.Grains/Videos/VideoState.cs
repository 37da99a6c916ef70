using Streamio.Abstractions.Videos;
using Streamio.Abstractions.Work;

namespace Streamio.Grains.Videos;

/// <summary>The durable state of one video: its lifecycle, the plan, its work items, and the events not yet handed on.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class VideoState
{
    public string Id { get; set; } = "";

    /// <summary>The tenant the video belongs to: every query is scoped to it and its objects live under its prefix.</summary>
    public string ProjectId { get; set; } = "";

    public string? Title { get; set; }

    public VideoStatus Status { get; set; } = VideoStatus.Uploaded;

    public string SourceKey { get; set; } = "";

    public long SourceBytes { get; set; }

    public bool SourceDeleted { get; set; }

    /// <summary>The source is an object Streamio was pointed at (ingest by key), not one it wrote: it is never deleted.</summary>
    public bool SourceIsExternal { get; set; }

    public string? Error { get; set; }

    /// <summary>The upload asked for a forensic A/B copy (planned once the source is probed).</summary>
    public bool Forensic { get; set; }

    /// <summary>The rung encoded as A and B copies, once planned; null for an ordinary video.</summary>
    public string? ForensicRung { get; set; }

    public SourceFacts? Source { get; set; }

    public EncodingPlan? Plan { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? PlayableAt { get; set; }

    public DateTimeOffset? ReadyAt { get; set; }

    public bool HasPoster { get; set; }

    public StoryboardInfo? Storyboard { get; set; }

    /// <summary>The project's logo as it was when the video was made: every chunk draws this one, whatever the project does next.</summary>
    public Abstractions.Projects.ProjectLogo? Logo { get; set; }

    /// <summary>The bucket of the project's listing that holds the video.</summary>
    public int IndexBucket { get; set; } = -1;

    /// <summary>
    /// The video's work items (probe, chunks, audio, finish). Orleans keeps grains alive and moves them, but a task
    /// running on another silo is not a grain call: which attempt runs where, and how often it failed, is kept here.
    /// </summary>
    public List<WorkItem> Work { get; set; } = [];

    public int NextItemId { get; set; }

    /// <summary>
    /// The W3C trace context (traceparent) of the call that created the video, when it was traced: the video's work,
    /// wherever and whenever it runs, starts its spans under it, so one trace follows the pipeline from the upload on.
    /// </summary>
    public string? TraceParent { get; set; }

    /// <summary>The live stream whose recording this video is (told when it is ready); null for an upload.</summary>
    public string? LiveStreamId { get; set; }

    /// <summary>Committed events not yet handed to the project's webhooks (the outbox).</summary>
    public List<VideoEvent> Outbox { get; set; } = [];

    /// <summary>The upload is still arriving (status uploading): work started now reads <see cref="ProgressiveSource"/>.</summary>
    public bool UploadPending { get; set; }

    /// <summary>The signed URL of the upload in progress, while <see cref="UploadPending"/>.</summary>
    public string? ProgressiveSource { get; set; }

    /// <summary>The plan was made from the head of an upload: its segment count waits for the final probe.</summary>
    public bool PlanProvisional { get; set; }

    /// <summary>Whether encoding while uploading was used, and why not; null for videos made before it existed or by ingest.</summary>
    public ProgressiveInfo? Progressive { get; set; }

    public bool Exists => Id.Length > 0;

    public bool IsTerminal => Status is VideoStatus.Ready or VideoStatus.Failed;
}

[GenerateSerializer]
public enum WorkItemStatus
{
    Pending,
    Running,
    Done,
}

/// <summary>One unit of a video's work and how its attempts went.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class WorkItem
{
    public int Id { get; set; }

    public WorkKind Kind { get; set; }

    public int Priority { get; set; }

    public int FirstSegment { get; set; }

    public int SegmentCount { get; set; }

    public List<string> Rungs { get; set; } = [];

    public bool IsLastChunk { get; set; }

    /// <summary>A probe started while the upload was arriving: it read the head, so its duration may be unknown.</summary>
    public bool Head { get; set; }

    /// <summary>A finish that repairs a ready video's images.</summary>
    public bool Repair { get; set; }

    public WorkItemStatus Status { get; set; }

    /// <summary>Attempts started so far, including a running one.</summary>
    public int Attempts { get; set; }

    public string? LastError { get; set; }

    /// <summary>Attempts broken off by an unreachable grain, which did not count (<see cref="IVideoGrain.OnWorkInterruptedAsync"/>).</summary>
    public int Interruptions { get; set; }

    /// <summary>The silo running the current attempt.</summary>
    public string? RunningOn { get; set; }

    /// <summary>The running attempt is an encode its silo started beside the probe (<see cref="IVideoGrain.OnProbedAsync"/>).</summary>
    public bool StartedEarly { get; set; }

    public DateTimeOffset NotBefore { get; set; }
}

/// <summary>Work priorities: higher runs first.</summary>
public static class WorkPriority
{
    public const int Probe = 100;

    /// <summary>The first segment at the lowest rung: with the audio's first segment, the video is playable.</summary>
    public const int FastStart = 90;

    /// <summary>Before the whole chunks, which are heavy and would starve the fast start of CPU.</summary>
    public const int Audio = 88;

    /// <summary>Right after the last chunk: it is quick and it is what makes the video ready.</summary>
    public const int Finish = 60;

    public const int Chunk = 50;
}
