using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Utilities;
using Streamio.Abstractions.Forensics;
using Streamio.Abstractions.Live;
using Streamio.Abstractions.Projects;
using Streamio.Abstractions.Videos;
using Streamio.Abstractions.Work;
using Streamio.Grains.Planning;
using Streamio.Media;
using Streamio.Telemetry;

namespace Streamio.Grains.Videos;

/// <summary>
/// The video grain: owns the lifecycle (uploading →) uploaded → probing → encoding → ready | failed and its work items. Each method
/// is one guarded transition: it changes the state, writes it, then hands tickets to the scheduler and events to the
/// project. Those hand-overs are repeated by <see cref="CheckAsync"/> (on activation and on a reminder) until they
/// succeed, so a crash between the write and the hand-over loses nothing.
/// </summary>
public sealed partial class VideoGrain(
    [PersistentState("video", GrainStorage.Name)] IPersistentState<VideoState> store,
    IOptions<EncodingOptions> encoding,
    IOptions<ForensicOptions> forensics,
    IOptions<SiloWorkOptions> silo,
    IOptions<ReminderOptions> reminders,
    IOptions<DashOutputOptions> dash,
    IClusterMembershipService membership,
    TimeProvider time,
    ILogger<VideoGrain> logger) : Grain, IVideoGrain, IRemindable
{

    private readonly ObserverManager<IVideoObserver> _observers = new(TimeSpan.FromMinutes(1), logger);

    /// <summary>Per-rendition counters, rebuilt from the variants on activation (they are not worth a write per segment).</summary>
    private readonly Dictionary<string, RenditionCounters> _renditions = new(StringComparer.Ordinal);

    private readonly SiloLiveness _silos = new(membership);

    private VideoState State => store.State;

    private string VideoId => this.GetPrimaryKeyString();

    private IWorkSchedulerGrain Scheduler => GrainFactory.GetGrain<IWorkSchedulerGrain>(0);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Exists && State.Plan is not null)
        {
            await RefreshRenditionsAsync();
        }
        if (State.Exists && NeedsChecks)
        {
            await CheckQuietlyAsync();
        }
    }

    public async Task<VideoView> CreateAsync(NewVideo video)
    {
        if (State.Exists)
        {
            throw new InvalidOperationException($"Video {VideoId} already exists.");
        }
        var now = time.GetUtcNow();
        store.State = new VideoState
        {
            Id = VideoId, ProjectId = video.ProjectId, Title = video.Title, SourceKey = video.SourceKey, SourceBytes = video.SourceBytes,
            SourceIsExternal = video.SourceIsExternal, Forensic = video.Forensic, CreatedAt = now, UpdatedAt = now,
            // Taken now: a logo the project sets or removes later must not change a video half-way through its chunks.
            Logo = video.WithLogo ? (await GrainFactory.GetGrain<IProjectGrain>(video.ProjectId).GetAsync())?.Logo : null,
            // The creating call's span (a child of the upload request): every later piece of work joins this trace.
            TraceParent = Activity.Current is { IdFormat: ActivityIdFormat.W3C, Recorded: true } current ? current.Id : null,
            Progressive = video.ProgressiveSource is null ? video.Progressive : new ProgressiveInfo(true),
        };
        if (video.ProgressiveSource is { } growing)
        {
            State.Status = VideoStatus.Uploading;
            State.UploadPending = true;
            State.ProgressiveSource = growing;
        }
        AddItem(new WorkItem { Kind = WorkKind.Probe, Priority = WorkPriority.Probe });
        Raise(VideoEventTypes.Created);
        return await SaveNewAsync();
    }

    /// <summary>Writes a new video, lists it in its project before the call returns (a client lists its videos right after), and starts its checks.</summary>
    private async Task<VideoView> SaveNewAsync()
    {
        await store.WriteStateAsync();
        State.IndexBucket = await GrainFactory.GetGrain<IProjectVideosGrain>(State.ProjectId).AddAsync(VideoId, State.CreatedAt);
        await store.WriteStateAsync();
        await EnsureRemindedAsync();
        await CheckQuietlyAsync();
        return View();
    }

    public async Task<VideoView?> OnUploadedAsync(long sourceBytes, string? title)
    {
        if (!State.Exists || !State.UploadPending)
        {
            return null;
        }
        State.UploadPending = false;
        State.ProgressiveSource = null;
        State.SourceBytes = sourceBytes;
        State.Title = title ?? State.Title;
        if (State.Status == VideoStatus.Failed)
        {
            // The head was refused (its reason is the video's error), as a whole source would have been.
        }
        else if (State.Plan is null)
        {
            // The head was not probed yet: the ordinary path from here (a head probe still running reports as usual).
            State.Status = VideoStatus.Uploaded;
        }
        else
        {
            // The plan's ladder and timeline stay; the final probe of the stored source fixes the segment count.
            State.Status = VideoStatus.Encoding;
            AddItem(new WorkItem { Kind = WorkKind.Probe, Priority = WorkPriority.Probe });
        }
        await SaveAsync();
        Notify(VideoChange.Status);
        await EnqueuePendingAsync();
        return View();
    }

    public async Task<bool> AbandonAsync(string reason)
    {
        if (!State.Exists || !State.UploadPending)
        {
            return false;
        }
        LogAbandoned(VideoId, reason);
        return await DeleteAsync(State.ProjectId);
    }

    public async Task<VideoView> CreateFromRecordingAsync(NewRecording recording)
    {
        if (State.Exists)
        {
            return View();
        }
        if (recording.Renditions.Count == 0 || recording.Renditions.Any(rendition => rendition.Durations.Count == 0))
        {
            throw new ArgumentException($"A recording needs at least one segment in every rendition (video {VideoId}).", nameof(recording));
        }
        var plan = new EncodingPlan(recording.SegmentSeconds, recording.Renditions.Max(rendition => rendition.Durations.Count),
            recording.Renditions.Select(rendition => rendition.Plan).ToList());
        // The variants (with the session's keys) exist before the video that lists them.
        foreach (var rendition in recording.Renditions)
        {
            await Variant(rendition.Plan.Name).InitializeRecordedAsync(new VariantPlan(VideoId, recording.ProjectId, rendition.Plan, rendition.Durations.Count),
                rendition.Key, rendition.Durations, rendition.Cmaf);
            _renditions[rendition.Plan.Name] = new RenditionCounters { Registered = rendition.Durations.Count, Complete = true, HasFirst = true };
        }
        var now = time.GetUtcNow();
        store.State = new VideoState
        {
            Id = VideoId, ProjectId = recording.ProjectId, Title = recording.Title, LiveStreamId = recording.LiveStreamId,
            // No source object: the images are made from the highest rendition, decrypted (the finish runner's repair path).
            SourceKey = Storage.StorageKeys.Source(recording.ProjectId, VideoId), SourceDeleted = true,
            Source = recording.Source, Plan = plan, Status = VideoStatus.Encoding, PlayableAt = now, CreatedAt = now, UpdatedAt = now,
        };
        AddItem(new WorkItem { Kind = WorkKind.Finish, Priority = WorkPriority.Finish });
        Raise(VideoEventTypes.Created);
        Raise(VideoEventTypes.Playable);
        return await SaveNewAsync();
    }

    public Task<VideoView?> GetAsync() => Task.FromResult(State.Exists ? View() : null);

    public async Task<bool> DeleteAsync(string projectId)
    {
        if (!State.Exists || State.ProjectId != projectId)
        {
            return false;
        }
        // The deleted event goes to the webhooks before the state (and its outbox) is gone.
        await FlushOutboxAsync();
        Raise(VideoEventTypes.Deleted);
        await FlushOutboxAsync();
        await Scheduler.CancelAsync(VideoId);
        if (State.IndexBucket >= 0)
        {
            await GrainFactory.GetGrain<IProjectVideosGrain>(State.ProjectId).RemoveAsync(VideoId, State.IndexBucket);
        }
        foreach (var rendition in State.Plan?.Renditions ?? [])
        {
            await Variant(rendition.Name).DeleteAsync();
        }
        if (State.ForensicRung is not null)
        {
            await GrainFactory.GetGrain<IForensicGrain>(VideoId).DeleteAsync();
        }
        await store.ClearStateAsync();
        store.State = new VideoState();
        _renditions.Clear();
        await StopRemindersAsync();
        Notify(VideoChange.Deleted);
        return true;
    }

    public async Task<bool> RepairImagesAsync()
    {
        if (State is not { Status: VideoStatus.Ready } || State.Work.Any(item => item is { Kind: WorkKind.Finish, Status: not WorkItemStatus.Done }))
        {
            return false;
        }
        AddItem(new WorkItem { Kind = WorkKind.Finish, Priority = WorkPriority.Finish, Repair = true });
        await SaveAsync();
        await EnsureRemindedAsync();
        await EnqueuePendingAsync();
        return true;
    }

    public async Task<WorkAssignment?> StartWorkAsync(int itemId, string siloAddress)
    {
        if (!State.Exists || Item(itemId) is not { Status: WorkItemStatus.Pending } item || !CanRun(item))
        {
            return null;
        }
        if (item.Attempts >= encoding.Value.MaxAttempts)
        {
            await FailAsync(item, ExhaustedMessage(item));
            return null;
        }
        item.Attempts++;
        item.Status = WorkItemStatus.Running;
        item.RunningOn = siloAddress;
        item.StartedEarly = false;
        item.Head = item.Kind == WorkKind.Probe && State.UploadPending;
        var statusChanged = item.Kind == WorkKind.Probe && State.Status == VideoStatus.Uploaded;
        if (statusChanged)
        {
            State.Status = VideoStatus.Probing;
        }
        await SaveAsync();
        if (statusChanged)
        {
            Notify(VideoChange.Status);
        }
        return Assignment(item);
    }

    private WorkAssignment Assignment(WorkItem item) =>
        new(VideoId, State.ProjectId, item.Id, item.Attempts, item.Kind, State.SourceKey, State.Source, State.Plan,
            item.FirstSegment, item.SegmentCount, item.Rungs, item.IsLastChunk, State.SourceIsExternal, State.SourceDeleted, item.Repair, State.Logo,
            State.UploadPending ? State.ProgressiveSource : null,
            State.Work.Count(other => other is { Kind: WorkKind.EncodeChunk, Status: WorkItemStatus.Pending }), State.Forensic);

    public async Task<WorkAssignment?> OnProbedAsync(int itemId, int attempt, SourceFacts source, EarlyFastStart? early = null, double[]? keyframes = null)
    {
        if (early is not null && EarlyFastStartOf(itemId, attempt) is { } adopted)
        {
            // The same report again (its answer was lost on the way): the same answer.
            return Assignment(adopted);
        }
        if (Running(itemId, attempt) is not { } item || State.Status is not (VideoStatus.Probing or VideoStatus.Uploaded or VideoStatus.Uploading or VideoStatus.Encoding))
        {
            return null;
        }
        if (State.Plan is { } provisional)
        {
            await FinalizePlanAsync(item, provisional, source, keyframes);
            return null;
        }
        if (item.Head && !State.UploadPending && source.DurationSeconds <= 0)
        {
            // The head had no duration and the whole source is stored now: probe that instead (this attempt does not count).
            await RunAgainUncountedAsync(item);
            return null;
        }
        var progressive = State.UploadPending;
        var plan = LadderPlanner.Plan(encoding.Value, progressive ? source with { DurationSeconds = Math.Max(source.DurationSeconds, ProvisionalSeconds) } : source);
        string? forensicRung = null;
        if (State.Forensic)
        {
            // One A/B choice per whole segment: a forensic video keeps a uniform timeline.
            plan = LadderPlanner.WholeSegments(plan, source.DurationSeconds);
            (plan, forensicRung) = LadderPlanner.WithForensicCopies(plan, forensics.Value.RungHeight(encoding.Value.EffectiveLadder));
            // The code secret exists before any playlist can be asked for it.
            await GrainFactory.GetGrain<IForensicGrain>(VideoId).InitializeAsync(State.ProjectId, forensicRung);
        }
        // The variants exist (with their keys) before the state that lists them is written.
        foreach (var rendition in plan.Renditions)
        {
            // Forensic copies stay HLS-only: their viewers get a per-viewer mix of A and B segments, which DASH cannot list.
            var cmaf = dash.Value.Dash && rendition.Forensic == ForensicCopy.None;
            await Variant(rendition.Name).InitializeAsync(new VariantPlan(VideoId, State.ProjectId, rendition, plan.SegmentCount, cmaf));
            _renditions[rendition.Name] = new RenditionCounters();
        }
        item.Status = WorkItemStatus.Done;
        State.Source = source;
        State.Plan = plan;
        State.ForensicRung = forensicRung;
        if (progressive)
        {
            State.PlanProvisional = true;
            ScheduleWhileUploading(plan);
        }
        else
        {
            State.Status = VideoStatus.Encoding;
            await ScheduleEncodingAsync(plan, keyframes);
        }
        var fastStart = early is not null && item.RunningOn is { } prober ? AdoptEarlyFastStart(plan, early, prober) : null;
        await SaveAsync();
        Notify(VideoChange.Status);
        await EnqueuePendingAsync();
        return fastStart is null ? null : Assignment(fastStart);
    }

    /// <summary>
    /// The fast start, marked running on the probing silo, when the encode that silo started beside the probe is exactly
    /// the one the plan wants: same height, bitrate and segment timeline, no logo or forensic mark (sized to the width),
    /// and no images (a one-rung ladder's fast start takes the first ones, from the stored source). Null otherwise.
    /// </summary>
    private WorkItem? AdoptEarlyFastStart(EncodingPlan plan, EarlyFastStart early, string prober)
    {
        var plain = plan.Renditions.Where(rendition => rendition.IsPlainVideo).ToList();
        var lowest = LadderPlanner.FastStartRung(plan);
        var fits = lowest is not null && !State.Forensic && State.Logo is null
            && lowest.Height == early.Height && lowest.BitrateKbps == early.VideoKbps
            && plan.FirstSeconds.Equals(early.FirstSegmentSeconds) && plan.SegmentSeconds.Equals(early.SegmentSeconds)
            && (State.UploadPending || plain.Count > 1);
        if (!fits || State.Work.FirstOrDefault(work => work is { Kind: WorkKind.EncodeChunk, Status: WorkItemStatus.Pending, FirstSegment: 0, SegmentCount: 1 }
            && work.Rungs.SequenceEqual([lowest!.Name])) is not { } fastStart)
        {
            return null;
        }
        fastStart.Attempts++;
        fastStart.Status = WorkItemStatus.Running;
        fastStart.RunningOn = prober;
        fastStart.StartedEarly = true;
        return fastStart;
    }

    /// <summary>The fast start adopted from probe <paramref name="probeId"/>'s early encode, while that adoption stands.</summary>
    private WorkItem? EarlyFastStartOf(int probeId, int attempt) =>
        Item(probeId) is { Kind: WorkKind.Probe, Status: WorkItemStatus.Done, RunningOn: { } prober } probe && probe.Attempts == attempt
            ? State.Work.FirstOrDefault(work => work is { StartedEarly: true, Status: WorkItemStatus.Running, Attempts: 1 } && work.RunningOn == prober)
            : null;

    public async Task OnRejectedAsync(int itemId, int attempt, string reason)
    {
        if (Running(itemId, attempt) is { } item)
        {
            await FailAsync(item, reason);
        }
    }

    public async Task OnSegmentAsync(string rendition, int index, SegmentRegistration registration)
    {
        if (!State.Exists || !_renditions.TryGetValue(rendition, out var counters) || registration.Outcome == RegisterOutcome.Gone)
        {
            return;
        }
        counters.Registered = Math.Max(counters.Registered, registration.Registered);
        counters.Complete |= registration.Complete;
        counters.HasFirst |= index == 0;
        if (State.PlayableAt is null && State.Status is VideoStatus.Encoding or VideoStatus.Uploading && IsPlayable())
        {
            State.PlayableAt = time.GetUtcNow();
            StreamioTelemetry.TimeToPlayable.Record((State.PlayableAt.Value - State.CreatedAt).TotalSeconds);
            Raise(VideoEventTypes.Playable);
            await SaveAsync();
            Notify(VideoChange.Status);
            await FlushOutboxQuietlyAsync();
            return;
        }
        Notify(VideoChange.Progress);
    }

    public async Task OnEncodedAsync(int itemId, int attempt)
    {
        if (Running(itemId, attempt) is not { } item)
        {
            return;
        }
        item.Status = WorkItemStatus.Done;
        item.RunningOn = null;
        var encodeDone = !State.PlanProvisional && State.Work.Where(work => work.Kind is WorkKind.EncodeChunk or WorkKind.EncodeAudio).All(work => work.Status == WorkItemStatus.Done);
        if (encodeDone)
        {
            await RefreshRenditionsAsync();
            var incomplete = _renditions.Where(pair => !pair.Value.Complete).Select(pair => pair.Key).ToList();
            if (incomplete.Count > 0)
            {
                await FailAsync(item, $"Encoding ended with renditions {string.Join(", ", incomplete)} incomplete; the source may be damaged.");
                return;
            }
            AddItem(new WorkItem { Kind = WorkKind.Finish, Priority = WorkPriority.Finish });
        }
        await SaveAsync();
        Notify(VideoChange.Progress);
        await EnqueuePendingAsync();
    }

    public async Task OnFinishedAsync(int itemId, int attempt, StoryboardInfo storyboard, bool sourceDeleted)
    {
        if (Running(itemId, attempt) is not { } item)
        {
            return;
        }
        item.Status = WorkItemStatus.Done;
        item.RunningOn = null;
        State.HasPoster = true;
        State.Storyboard = storyboard;
        State.SourceDeleted |= sourceDeleted;
        if (State.Status == VideoStatus.Encoding)
        {
            State.Status = VideoStatus.Ready;
            State.ReadyAt = time.GetUtcNow();
            StreamioTelemetry.TimeToReady.Record((State.ReadyAt.Value - State.CreatedAt).TotalSeconds);
            State.Work.Clear();
            Raise(VideoEventTypes.Ready);
        }
        await SaveAsync();
        Notify(VideoChange.Status);
        await FlushOutboxQuietlyAsync();
        if (State.LiveStreamId is { } liveStreamId)
        {
            // The stream's own check asks again should this be lost.
            GrainFactory.GetGrain<ILiveStreamGrain>(liveStreamId).OnRecordingReadyAsync(VideoId).Ignore();
        }
    }

    public async Task OnWorkFailedAsync(int itemId, int attempt, string error)
    {
        if (Running(itemId, attempt) is not { } item)
        {
            return;
        }
        LogAttemptFailed(VideoId, item.Kind, item.Attempts, error);
        await RetryOrFailAsync(item, error);
    }

    public async Task OnWorkReleasedAsync(int itemId, int attempt)
    {
        if (Running(itemId, attempt) is not { } item)
        {
            return;
        }
        await RunAgainUncountedAsync(item);
    }

    public async Task OnWorkInterruptedAsync(int itemId, int attempt, string error)
    {
        if (Running(itemId, attempt) is not { } item)
        {
            return;
        }
        if (++item.Interruptions > MaxInterruptions)
        {
            LogAttemptFailed(VideoId, item.Kind, item.Attempts, error);
            await RetryOrFailAsync(item, error);
            return;
        }
        LogAttemptInterrupted(VideoId, item.Kind, item.Attempts, error);
        item.LastError = error;
        // Membership takes some 15-30 s to declare a silo dead with Orleans' defaults; the pauses (2, 4, 6 … s) outlast it.
        await RunAgainUncountedAsync(item, time.GetUtcNow().AddSeconds(Math.Min(30, silo.Value.RetryDelaySeconds * item.Interruptions)));
    }

    public async Task OnGrowingSourceGoneAsync(int itemId, int attempt, string error)
    {
        if (Running(itemId, attempt) is not { } item)
        {
            return;
        }
        if (State.UploadPending)
        {
            // Still uploading, yet its copy is gone (its API node restarted): a real failure.
            LogAttemptFailed(VideoId, item.Kind, item.Attempts, error);
            await RetryOrFailAsync(item, error);
            return;
        }
        await RunAgainUncountedAsync(item);
    }

    /// <summary>The attempt does not count: the item goes back to pending, to run again from <paramref name="notBefore"/>.</summary>
    private async Task RunAgainUncountedAsync(WorkItem item, DateTimeOffset notBefore = default)
    {
        item.Attempts--;
        item.Status = WorkItemStatus.Pending;
        item.RunningOn = null;
        item.NotBefore = notBefore;
        await SaveAsync();
        await EnqueuePendingAsync();
    }

    public async Task OnSiloDeadAsync(string siloAddress)
    {
        var lost = State.Work.Where(item => item.Status == WorkItemStatus.Running && item.RunningOn == siloAddress).ToList();
        foreach (var item in lost)
        {
            LogSiloLost(VideoId, item.Kind, item.Id, siloAddress);
            if (!await RetryOrFailAsync(item, $"silo {siloAddress} died while running it", immediately: true))
            {
                return;
            }
        }
    }

    public Task SubscribeAsync(IVideoObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(IVideoObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => CheckQuietlyAsync();

    /// <summary>
    /// Repeats what may not have happened: tickets for pending items, items on silos that are gone, events not yet
    /// handed on. Idempotent; runs on activation and on the reminder while anything is left to do.
    /// </summary>
    private async Task CheckAsync()
    {
        if (!State.Exists)
        {
            await StopRemindersAsync();
            return;
        }
        foreach (var siloAddress in State.Work.Where(item => item.Status == WorkItemStatus.Running).Select(item => item.RunningOn).OfType<string>().Distinct().ToList())
        {
            if (_silos.IsGone(siloAddress))
            {
                await OnSiloDeadAsync(siloAddress);
            }
        }
        await EnqueuePendingAsync();
        await FlushOutboxAsync();
        if (!NeedsChecks)
        {
            await StopRemindersAsync();
        }
    }

    private async Task CheckQuietlyAsync()
    {
        try
        {
            await CheckAsync();
        }
        catch (Exception error)
        {
            // The reminder comes back; nothing is lost meanwhile.
            LogCheckFailed(error, VideoId);
        }
    }

    private bool NeedsChecks => State.Exists && (!State.IsTerminal || State.Outbox.Count > 0 || State.Work.Any(item => item.Status != WorkItemStatus.Done));

    /// <summary>Returns false when the video failed (attempts used up).</summary>
    private async Task<bool> RetryOrFailAsync(WorkItem item, string error, bool immediately = false)
    {
        item.LastError = error;
        item.RunningOn = null;
        if (item.Attempts >= encoding.Value.MaxAttempts)
        {
            await FailAsync(item, ExhaustedMessage(item));
            return false;
        }
        item.Status = WorkItemStatus.Pending;
        item.NotBefore = immediately ? default : time.GetUtcNow().AddSeconds(silo.Value.RetryDelaySeconds * Math.Pow(2, item.Attempts - 1));
        await SaveAsync();
        await EnqueuePendingAsync();
        return true;
    }

    private static string ExhaustedMessage(WorkItem item) =>
        $"{item.Kind switch { WorkKind.Probe => "Probing", WorkKind.Finish => "Finishing", WorkKind.EncodeAudio => "Audio encoding", _ => "Encoding" }} failed after {item.Attempts} attempts: {item.LastError}";

    /// <summary>The video fails because of <paramref name="item"/>: said in the log at once, with everything needed to look into it.</summary>
    private async Task FailAsync(WorkItem item, string reason)
    {
        if (State.IsTerminal)
        {
            // A repair of a ready video that used up its attempts: the video stays as it is and the repair is given up
            // (the next start-up's reconciler may try again). Left in the list, it would keep the check reminder alive.
            if (State.Work.Remove(item))
            {
                LogRepairGivenUp(VideoId, item.Kind, item.Attempts, reason);
                await SaveAsync();
            }
            return;
        }
        LogVideoFailed(VideoId, State.ProjectId, item.Kind.Label(), item.Id, item.Attempts, item.FirstSegment, reason);
        StreamioTelemetry.VideosFailed.Add(1, new KeyValuePair<string, object?>("kind", item.Kind.Label()));
        Activity.Current?.AddEvent(new ActivityEvent("video failed", tags: new ActivityTagsCollection { ["reason"] = reason }));
        State.Status = VideoStatus.Failed;
        State.Error = reason;
        State.Work.Clear();
        Raise(VideoEventTypes.Failed);
        await SaveAsync();
        Notify(VideoChange.Status);
        await Scheduler.CancelAsync(VideoId);
        await FlushOutboxQuietlyAsync();
    }

    /// <summary>
    /// The head's plan assumes this long a source when the head does not say (MPEG-TS): video rungs are not complete
    /// before the final probe replaces it with the true count.
    /// </summary>
    private const double ProvisionalSeconds = 24 * 3600;

    /// <summary>Attempts broken off by unreachable grains that do not count; past this, each one does (a bound on a cause that never clears).</summary>
    public const int MaxInterruptions = 10;

    /// <summary>
    /// While the upload arrives: the fast start (segment 0 at the lowest rung) and the audio's single pass, both read from
    /// the front of the growing source. The rest waits for the stored source.
    /// </summary>
    private void ScheduleWhileUploading(EncodingPlan plan)
    {
        if (LadderPlanner.FastStartRung(plan) is { } lowest)
        {
            AddItem(new WorkItem { Kind = WorkKind.EncodeChunk, FirstSegment = 0, SegmentCount = 1, Rungs = [lowest.Name], Priority = WorkPriority.FastStart });
        }
        if (plan.Renditions.Any(rendition => rendition.IsAudio))
        {
            AddItem(new WorkItem { Kind = WorkKind.EncodeAudio, Priority = WorkPriority.Audio });
        }
    }

    /// <summary>
    /// The final probe of the stored source: the head's ladder and timeline stay (what was published already is on them);
    /// the segment count becomes the true one, and every chunk is scheduled (segments registered already are kept).
    /// </summary>
    private async Task FinalizePlanAsync(WorkItem item, EncodingPlan provisional, SourceFacts source, double[]? keyframes)
    {
        var plan = provisional with { SegmentCount = LadderPlanner.Plan(encoding.Value, source).SegmentCount };
        foreach (var rendition in plan.Renditions.Where(rendition => !rendition.IsAudio))
        {
            await Variant(rendition.Name).PlanSegmentsAsync(plan.SegmentCount);
        }
        item.Status = WorkItemStatus.Done;
        item.RunningOn = null;
        State.Source = source;
        State.Plan = plan;
        State.PlanProvisional = false;
        await ScheduleEncodingAsync(plan, keyframes);
        await SaveAsync();
        await RefreshRenditionsAsync();
        Notify(VideoChange.Status);
        await EnqueuePendingAsync();
    }

    /// <param name="keyframes">The source's keyframe times, when the probe listed them: chunk starts go just after one.</param>
    private async Task ScheduleEncodingAsync(EncodingPlan plan, double[]? keyframes)
    {
        var rungs = plan.Renditions.Where(rendition => !rendition.IsAudio)
            .Select(rendition => new Rung(rendition.Name, rendition.Width, rendition.Height, rendition.BitrateKbps)).ToList();
        var segmentsPerChunk = LadderPlanner.SegmentsPerChunk(plan.SegmentCount - LadderPlanner.FirstWholeSegment(rungs.Count), await Scheduler.GetWorkersAsync(),
            encoding.Value.SegmentsPerChunk, encoding.Value.MaxSegmentsPerChunk);
        var chunks = LadderPlanner.Chunks(plan.SegmentCount, segmentsPerChunk, rungs, plan.SegmentStart, keyframes);
        var lastFirstSegment = chunks.Max(chunk => chunk.FirstSegment);
        for (var i = 0; i < chunks.Count; i++)
        {
            var chunk = chunks[i];
            if (State.Work.Any(work => work.Kind == WorkKind.EncodeChunk && work.FirstSegment == chunk.FirstSegment
                && work.SegmentCount == chunk.SegmentCount && work.Rungs.SequenceEqual(chunk.Rungs)))
            {
                // The fast start scheduled while uploading (measured: without this check it was encoded twice).
                continue;
            }
            AddItem(new WorkItem
            {
                Kind = WorkKind.EncodeChunk,
                FirstSegment = chunk.FirstSegment,
                SegmentCount = chunk.SegmentCount,
                Rungs = [.. chunk.Rungs],
                IsLastChunk = chunk.FirstSegment == lastFirstSegment,
                Priority = chunk.FastStart ? WorkPriority.FastStart : WorkPriority.Chunk,
            });
        }
        // A video encoded while uploading has its audio pass already (it reads the stored source if it runs again).
        if (plan.Renditions.Any(rendition => rendition.IsAudio) && !State.Work.Any(work => work.Kind == WorkKind.EncodeAudio))
        {
            AddItem(new WorkItem { Kind = WorkKind.EncodeAudio, Priority = WorkPriority.Audio });
        }
    }

    private void AddItem(WorkItem item)
    {
        item.Id = State.NextItemId++;
        State.Work.Add(item);
    }

    private WorkItem? Item(int itemId) => State.Work.FirstOrDefault(item => item.Id == itemId);

    /// <summary>The item, when this attempt is still the running one (a report from an older attempt changes nothing).</summary>
    private WorkItem? Running(int itemId, int attempt) =>
        State.Exists && Item(itemId) is { Status: WorkItemStatus.Running } item && item.Attempts == attempt ? item : null;

    private bool CanRun(WorkItem item) => item.Kind switch
    {
        // The final probe (of a source encoded while uploading) waits for the fast start: it gates the rest of the ladder,
        // not playback, and run beside it at the upload's end it took CPU from the segment the viewer waits for.
        WorkKind.Probe => State.Status is VideoStatus.Uploaded or VideoStatus.Probing or VideoStatus.Uploading
            || (State.Status == VideoStatus.Encoding && State.PlanProvisional && !FastStartUnfinished()),
        WorkKind.Finish => State.Status is VideoStatus.Encoding or VideoStatus.Ready,
        _ => State.Status is VideoStatus.Encoding or VideoStatus.Uploading,
    };

    private bool FastStartUnfinished() =>
        State.Work.Any(item => item is { Kind: WorkKind.EncodeChunk, Priority: WorkPriority.FastStart } && item.Status != WorkItemStatus.Done);

    private bool IsPlayable()
    {
        var plan = State.Plan;
        var lowest = plan is null ? null : LadderPlanner.FastStartRung(plan);
        return lowest is not null
            && _renditions.TryGetValue(lowest.Name, out var video) && video.HasFirst
            && plan!.Renditions.Where(rendition => rendition.IsAudio).All(audio => _renditions.TryGetValue(audio.Name, out var counters) && counters.HasFirst);
    }

    private async Task RefreshRenditionsAsync()
    {
        foreach (var rendition in State.Plan?.Renditions ?? [])
        {
            if (await Variant(rendition.Name).GetAsync() is { } variant)
            {
                _renditions[rendition.Name] = new RenditionCounters
                {
                    Registered = variant.Registered.Count, Complete = variant.Complete, HasFirst = variant.ContiguousDurations.Count > 0,
                };
            }
        }
    }

    private async Task EnqueuePendingAsync()
    {
        var tickets = State.Work.Where(item => item.Status == WorkItemStatus.Pending && CanRun(item))
            .Select(item => new WorkTicket(VideoId, item.Id, item.Priority, item.NotBefore, item.Kind, State.TraceParent)).ToList();
        if (tickets.Count > 0)
        {
            await Scheduler.EnqueueAsync(tickets);
        }
    }

    private void Raise(string type)
    {
        State.UpdatedAt = time.GetUtcNow();
        State.Outbox.Add(new VideoEvent(VideoEvent.NewId(), type, State.UpdatedAt, View()));
    }

    /// <summary>Hands the outbox to the project, oldest first; each event leaves the state only once the project has it.</summary>
    private Task FlushOutboxAsync() => EventOutbox.FlushAsync(State.Outbox,
        videoEvent => GrainFactory.GetGrain<IProjectEvents>(State.ProjectId).PublishAsync(videoEvent),
        () => State.Exists ? store.WriteStateAsync() : Task.CompletedTask);

    private Task FlushOutboxQuietlyAsync() => EventOutbox.FlushQuietlyAsync(FlushOutboxAsync, error => LogCheckFailed(error, VideoId), EnsureRemindedAsync);

    private async Task SaveAsync()
    {
        State.UpdatedAt = time.GetUtcNow();
        await store.WriteStateAsync();
    }

    private Task EnsureRemindedAsync() => this.EnsureCheckReminderAsync(silo.Value, reminders.Value);

    private Task StopRemindersAsync() => this.StopCheckReminderAsync();

    private void Notify(VideoChange change) => _observers.Notify(observer => observer.OnVideoChangedAsync(VideoId, change));

    private IVariantGrain Variant(string rendition) => GrainFactory.GetGrain<IVariantGrain>(VariantKeys.Of(VideoId, rendition));

    private VideoView View() => new(
        State.Id, State.ProjectId, State.Title, State.Status, State.Error, State.Source, State.Plan?.SegmentSeconds ?? 0,
        (State.Plan?.Renditions ?? []).Select(rendition =>
        {
            var counters = _renditions.GetValueOrDefault(rendition.Name) ?? new RenditionCounters();
            return new RenditionView(rendition.Name, rendition.Width, rendition.Height, rendition.BitrateKbps, rendition.IsAudio,
                State.Plan!.SegmentCount, counters.Registered, counters.Complete, rendition.Forensic);
        }).ToList(),
        State.Status is VideoStatus.Encoding or VideoStatus.Ready or VideoStatus.Uploading && IsPlayable(),
        State.HasPoster, State.Storyboard, State.SourceKey, State.SourceIsExternal, State.SourceDeleted, State.CreatedAt, State.UpdatedAt, State.Logo,
        State.Forensic, State.ForensicRung, State.Plan?.FirstSeconds ?? 0, State.Progressive);

    private sealed class RenditionCounters
    {
        public int Registered { get; set; }

        public bool Complete { get; set; }

        public bool HasFirst { get; set; }
    }

    [LoggerMessage(LogLevel.Error, "Video {VideoId} of project {ProjectId} failed: {Kind} item {ItemId} (attempt {Attempts}, from segment {FirstSegment}): {Reason}")]
    private partial void LogVideoFailed(string videoId, string projectId, string kind, int itemId, int attempts, int firstSegment, string reason);

    [LoggerMessage(LogLevel.Warning, "Video {VideoId}: {Kind} attempt {Attempt} failed: {Error}")]
    private partial void LogAttemptFailed(string videoId, WorkKind kind, int attempt, string error);

    [LoggerMessage(LogLevel.Warning, "Video {VideoId}: {Kind} attempt {Attempt} broke off on an unreachable grain and runs again (not counted): {Error}")]
    private partial void LogAttemptInterrupted(string videoId, WorkKind kind, int attempt, string error);

    [LoggerMessage(LogLevel.Warning, "Video {VideoId}: {Kind} item {ItemId} was running on silo {Silo}, which is gone; it runs again")]
    private partial void LogSiloLost(string videoId, WorkKind kind, int itemId, string silo);

    [LoggerMessage(LogLevel.Warning, "Video {VideoId}: the {Kind} repair is given up after {Attempts} attempts ({Reason}); the video stays as it is")]
    private partial void LogRepairGivenUp(string videoId, WorkKind kind, int attempts, string reason);

    [LoggerMessage(LogLevel.Information, "Video {VideoId}: its upload was abandoned ({Reason}); the video and its work are removed")]
    private partial void LogAbandoned(string videoId, string reason);

    [LoggerMessage(LogLevel.Warning, "Video {VideoId}: checking on its work failed; the reminder retries")]
    private partial void LogCheckFailed(Exception error, string videoId);
}
