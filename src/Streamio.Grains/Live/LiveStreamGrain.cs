using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Utilities;
using Streamio.Abstractions.Live;
using Streamio.Abstractions.Videos;
using Streamio.Media;
using Streamio.Storage;

namespace Streamio.Grains.Live;

/// <summary>
/// One live stream: its key, its status (idle → connected → live → ended) and its session. The silo that accepted the
/// publisher reports the ladder and every segment; the grain keeps the segments' durations (the playlists' source), the
/// renditions' keys and which silo holds the session. A grain timer ends the session when the reconnect grace passes or
/// the holding silo is declared dead, with a reminder as the backstop (it also repeats the recording's hand-over and the
/// outbox). A recorded session's segments are written straight into its recording video's folder, so the recording
/// becomes a video without copying or re-encoding anything.
/// </summary>
public sealed partial class LiveStreamGrain(
    [PersistentState("live", GrainStorage.Name)] IPersistentState<LiveStreamState> store,
    IOptions<LiveOptions> options,
    IOptions<SiloWorkOptions> silo,
    IOptions<ReminderOptions> reminders,
    IClusterMembershipService membership,
    IObjectStorage storage,
    TimeProvider time,
    ILogger<LiveStreamGrain> logger) : Grain, ILiveStreamGrain, IRemindable
{
    private const int KeyAttempts = 3;

    /// <summary>Segment registrations are written at most this often (they are many; a transition is written at once).</summary>
    private static readonly TimeSpan SegmentWriteInterval = TimeSpan.FromSeconds(5);

    private readonly ObserverManager<ILiveStreamObserver> _observers = new(TimeSpan.FromMinutes(1), logger);
    private readonly SiloLiveness _silos = new(membership);
    private IGrainTimer? _watch;
    private bool _dirty;
    private DateTimeOffset _lastWrite;

    private LiveStreamState State => store.State;

    private LiveSessionState? Session => State.Session;

    private string LiveStreamId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Exists && NeedsChecks)
        {
            StartWatch();
            await CheckQuietlyAsync();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_dirty && State.Exists)
        {
            await SaveAsync();
        }
    }

    public async Task<LiveStreamView> CreateAsync(LiveStreamCreate request)
    {
        if (State.Exists)
        {
            throw new InvalidOperationException($"Live stream {LiveStreamId} already exists.");
        }
        if (string.IsNullOrEmpty(request.ProjectId))
        {
            throw new ArgumentException("A live stream belongs to a project.", nameof(request));
        }
        if (request.DvrWindowSeconds is < 0 or > 86_400)
        {
            throw new ArgumentException($"The DVR window must be 0 (the default, {options.Value.DvrWindowSeconds} s) to 86400 seconds.", nameof(request));
        }
        var key = await ClaimNewKeyAsync();
        var now = time.GetUtcNow();
        // Listed before it is saved: a listed stream that was never saved is dropped by the reader.
        await GrainFactory.GetGrain<IProjectLiveStreamsGrain>(request.ProjectId).AddAsync(LiveStreamId);
        store.State = new LiveStreamState
        {
            Id = LiveStreamId, ProjectId = request.ProjectId, Title = request.Title, StreamKey = key, Record = request.Record,
            DvrWindowSeconds = request.DvrWindowSeconds == 0 ? options.Value.DvrWindowSeconds : request.DvrWindowSeconds,
            Status = LiveStatus.Idle, CreatedAt = now, UpdatedAt = now,
        };
        await SaveAsync();
        return View();
    }

    public Task<LiveStreamView?> GetAsync() => Task.FromResult(State.Exists ? View() : null);

    public async Task<LiveStreamView?> ResetKeyAsync()
    {
        if (!State.Exists)
        {
            return null;
        }
        var old = State.StreamKey;
        State.StreamKey = await ClaimNewKeyAsync();
        // The publisher of the old key is cut off: its silo sees the leg is no longer current and stops.
        if (Session is { Active: true, Attached: true })
        {
            Detach("the stream key was reset");
        }
        await SaveAsync();
        await GrainFactory.GetGrain<ILiveStreamKeyGrain>(LiveStreamKeys.Hash(old)).ReleaseAsync(LiveStreamId);
        Notify();
        return View();
    }

    public async Task DeleteAsync()
    {
        if (!State.Exists)
        {
            return;
        }
        if (Session is { Active: true })
        {
            await EndSessionAsync("the stream was deleted");
        }
        // The recording is kept: it becomes a video before the stream is forgotten (a failure here fails the delete, to be retried).
        await SettleAsync();
        await FlushOutboxAsync();
        await GrainFactory.GetGrain<IProjectLiveStreamsGrain>(State.ProjectId).RemoveAsync(LiveStreamId);
        var key = State.StreamKey;
        await store.ClearStateAsync();
        store.State = new LiveStreamState();
        _dirty = false;
        // Released after the stream is gone: a stray claim finds no stream and refuses the publisher.
        await GrainFactory.GetGrain<ILiveStreamKeyGrain>(LiveStreamKeys.Hash(key)).ReleaseAsync(LiveStreamId);
        StopWatch();
        await StopRemindersAsync();
        Notify();
    }

    public async Task<LiveLeg> OnPublisherConnectedAsync(LivePublisher publisher)
    {
        if (!State.Exists)
        {
            return LiveLeg.Refused("the live stream does not exist");
        }
        var now = time.GetUtcNow();
        if (Session is { Active: true, Attached: true })
        {
            return LiveLeg.Refused("another publisher is live on this stream");
        }
        if (Session is { Active: true } session)
        {
            // Back within the grace: the same session goes on, as a new leg.
            session.Leg++;
            session.Legs.Add(new LiveLegState
            {
                Number = session.Leg, ArrivedAt = now, StartSeconds = TimelineSeconds(session),
                FirstIndexes = session.Durations.ToDictionary(pair => pair.Key, pair => pair.Value.Count),
            });
            LogReconnected(LiveStreamId, session.SessionId, session.Leg, publisher.Silo);
        }
        else
        {
            // The last session's recording is handed over before a new session takes its place.
            await SettleQuietlyAsync();
            if (Session is { Settled: false })
            {
                return LiveLeg.Refused("the last session's recording is still being saved; try again shortly");
            }
            session = NewSession(now);
            State.Session = session;
            Raise(LiveEventTypes.Connected);
            LogSessionStarted(LiveStreamId, session.SessionId, publisher.Silo, publisher.Protocol);
        }
        session.Attached = true;
        session.GraceEndsAt = null;
        session.Silo = publisher.Silo;
        session.Protocol = publisher.Protocol;
        session.Remote = publisher.Remote;
        State.Status = LiveStatus.Connected;
        await SaveAsync();
        await EnsureWatchedAsync();
        Notify();
        await FlushOutboxQuietlyAsync();
        return Leg(session);
    }

    public async Task<IReadOnlyList<RenditionPlan>> OnLadderPlannedAsync(string sessionId, int leg, SourceFacts source, IReadOnlyList<RenditionPlan> renditions)
    {
        if (Current(sessionId, leg) is not { } session)
        {
            return [];
        }
        if (session.Renditions.Count > 0)
        {
            return session.Renditions;
        }
        session.Source = source;
        session.SegmentSeconds = options.Value.SegmentSeconds;
        session.Renditions = [.. renditions];
        foreach (var rendition in renditions)
        {
            session.Keys[rendition.Name] = SegmentCipher.NewKey();
            session.Durations[rendition.Name] = [];
            if (session.CmafPrefix.Length > 0)
            {
                // A key of its own: the AES-128 key in a second cipher mode over the same frames would weaken both.
                var cenc = Media.Cmaf.CencKey.New();
                session.Cenc[rendition.Name] = new LiveCencState { KeyId = cenc.KeyId, Key = cenc.Key };
            }
        }
        await SaveAsync();
        Notify();
        return session.Renditions;
    }

    public async Task<bool> RegisterSegmentAsync(string sessionId, int leg, string rendition, int index, double durationSeconds, double latencySeconds)
    {
        if (Current(sessionId, leg) is not { } session || !session.Durations.TryGetValue(rendition, out var durations))
        {
            return false;
        }
        if (index != durations.Count)
        {
            // A repeat of a registered segment changes nothing; a gap would break the index = IV numbering, so it is refused.
            return index < durations.Count;
        }
        durations.Add(durationSeconds);
        session.Latency[rendition] = latencySeconds;
        _dirty = true;
        if (State.Status != LiveStatus.Live)
        {
            State.Status = LiveStatus.Live;
            await SaveAsync();
        }
        else if (time.GetUtcNow() - _lastWrite >= SegmentWriteInterval)
        {
            await SaveAsync();
        }
        Notify();
        return true;
    }

    public async Task<bool> RegisterCmafSegmentAsync(string sessionId, int leg, LiveCmafSegment segment)
    {
        if (Current(sessionId, leg) is not { } session || !session.Cenc.TryGetValue(segment.Rendition, out var cenc)
            || segment.Index >= session.Durations[segment.Rendition].Count)
        {
            return false;
        }
        if ((cenc.CodecConfig ?? segment.CodecConfig) != segment.CodecConfig)
        {
            // The session's one init would not describe this leg's frames (the publisher changed its setup): unsupported.
            LogCodecChanged(LiveStreamId, session.SessionId, leg, segment.Rendition);
            return false;
        }
        cenc.CodecConfig = segment.CodecConfig;
        cenc.Timescale = segment.Timescale;
        if (cenc.Starts.TryAdd(segment.Index, segment.StartTime))
        {
            _dirty = true;
            Notify();
        }
        return true;
    }

    public Task<LiveCencKey?> GetCencKeyAsync(string sessionId, string rendition) =>
        Task.FromResult(Session is { } session && session.SessionId == sessionId && session.Cenc.GetValueOrDefault(rendition) is { } cenc
            ? new LiveCencKey(cenc.KeyId, cenc.Key, cenc.CodecConfig)
            : null);

    public Task<LiveDashView?> GetDashAsync() =>
        Task.FromResult(Session is { Cenc.Count: > 0 } session ? LiveWindow.Dash(session, State.DvrWindowSeconds) : null);

    public async Task OnPublisherDisconnectedAsync(string sessionId, int leg, string? error)
    {
        if (Current(sessionId, leg) is null)
        {
            return;
        }
        Detach(error);
        await SaveAsync();
        await EnsureWatchedAsync();
        Notify();
    }

    public async Task OnSiloDeadAsync(string silo)
    {
        if (Session is { Active: true } session && session.Silo == silo)
        {
            LogSiloLost(LiveStreamId, session.SessionId, silo);
            await EndSessionAsync($"silo {silo} was lost");
        }
    }

    public Task<bool> IsCurrentAsync(string sessionId, int leg) => Task.FromResult(Current(sessionId, leg) is not null);

    public Task<byte[]?> GetKeyAsync(string sessionId, string rendition) =>
        Task.FromResult(Session is { } session && session.SessionId == sessionId ? session.Keys.GetValueOrDefault(rendition) : null);

    public Task<LivePlaylistView?> GetPlaylistAsync(string rendition) =>
        Task.FromResult(Session is { } session && session.Durations.ContainsKey(rendition) ? LiveWindow.Of(session, rendition, State.DvrWindowSeconds) : null);

    public async Task OnRecordingReadyAsync(string videoId)
    {
        if (!State.Exists || !State.RecordingVideoIds.Contains(videoId) || State.ReadyRecordings.Contains(videoId))
        {
            return;
        }
        State.ReadyRecordings.Add(videoId);
        Raise(LiveEventTypes.RecordingReady);
        await SaveAsync();
        Notify();
        await FlushOutboxQuietlyAsync();
    }

    public Task SubscribeAsync(ILiveStreamObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(ILiveStreamObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => CheckQuietlyAsync();

    /// <summary>The session, when <paramref name="leg"/> of it is the connected one (reports from anything else change nothing).</summary>
    private LiveSessionState? Current(string sessionId, int leg) =>
        State.Exists && Session is { Active: true, Attached: true } session && session.SessionId == sessionId && session.Leg == leg ? session : null;

    private LiveSessionState NewSession(DateTimeOffset now)
    {
        var sessionId = $"lss_{Guid.CreateVersion7():N}";
        var recording = State.Record ? $"v_{Guid.CreateVersion7():N}" : null;
        return new LiveSessionState
        {
            SessionId = sessionId, StartedAt = now, Leg = 1, RecordingVideoId = recording,
            Legs = [new LiveLegState { Number = 1, ArrivedAt = now }],
            StoragePrefix = recording is null ? StorageKeys.LiveSessionPrefix(State.ProjectId, LiveStreamId, sessionId) : StorageKeys.SegmentFolder(State.ProjectId, recording),
            // Next to the TS segments: inside the session's folder (deleted with it) or the recording's CMAF folder (its VOD DASH).
            CmafPrefix = !options.Value.Dash ? ""
                : recording is null ? StorageKeys.LiveSessionCmafPrefix(State.ProjectId, LiveStreamId, sessionId) : StorageKeys.CmafFolder(State.ProjectId, recording),
        };
    }

    private LiveLeg Leg(LiveSessionState session) => new(
        true, session.SessionId, session.Leg, session.Legs[^1].FirstIndexes.Values.DefaultIfEmpty(0).Max(), null,
        session.Renditions.Count > 0 ? session.Renditions : null, session.Legs[^1].FirstIndexes, session.Legs[^1].StartSeconds, session.StoragePrefix, State.ProjectId,
        session.CmafPrefix);

    /// <summary>The publisher is gone (or cut off): the grace starts, the status falls back to connected.</summary>
    private void Detach(string? reason)
    {
        var session = Session!;
        session.Attached = false;
        session.GraceEndsAt = time.GetUtcNow().AddSeconds(options.Value.ReconnectGraceSeconds);
        State.Status = LiveStatus.Connected;
        LogDetached(LiveStreamId, session.SessionId, session.Leg, reason ?? "publisher disconnected");
    }

    /// <summary>The session's length so far: the lowest video rung's segments (the next leg continues from there).</summary>
    private static double TimelineSeconds(LiveSessionState session) =>
        session.Renditions.Where(rendition => rendition.IsPlainVideo).OrderBy(rendition => rendition.Height)
            .Select(rendition => session.Durations.GetValueOrDefault(rendition.Name)?.Sum() ?? 0).FirstOrDefault();

    private async Task EndSessionAsync(string reason)
    {
        var session = Session!;
        session.EndedAt = time.GetUtcNow();
        session.EndReason = reason;
        session.Attached = false;
        session.GraceEndsAt = null;
        State.Status = LiveStatus.Ended;
        LogSessionEnded(LiveStreamId, session.SessionId, reason);
        try
        {
            // Handed over before the end is written, so live.ended names the recording (the check repeats a failed hand-over).
            await SettleWithoutSavingAsync();
        }
        catch (Exception error)
        {
            LogCheckFailed(error, LiveStreamId);
        }
        Raise(LiveEventTypes.Ended);
        await SaveAsync();
        Notify();
        await FlushOutboxQuietlyAsync();
        await EnsureRemindedAsync();
    }

    /// <summary>
    /// After the session ended: the recording becomes a video (its segments are already in its folder), or the segments
    /// of an unrecorded session are deleted. Repeated by the check until it succeeds; both steps are idempotent.
    /// </summary>
    private async Task SettleAsync()
    {
        if (await SettleWithoutSavingAsync())
        {
            await SaveAsync();
            Notify();
        }
    }

    /// <summary>The settling itself, written by the caller; false when there was nothing to settle.</summary>
    private async Task<bool> SettleWithoutSavingAsync()
    {
        if (Session is not { Active: false, Settled: false } session)
        {
            return false;
        }
        if (session.RecordingVideoId is { } videoId && Recording(session) is { } recording)
        {
            await GrainFactory.GetGrain<IVideoGrain>(videoId).CreateFromRecordingAsync(recording);
            if (!State.RecordingVideoIds.Contains(videoId))
            {
                State.RecordingVideoIds.Insert(0, videoId);
            }
        }
        else
        {
            // Nothing recorded (not asked for, or no segment came): the session leaves nothing behind.
            await storage.DeletePrefixAsync(session.StoragePrefix, CancellationToken.None);
            session.RecordingVideoId = null;
        }
        session.Settled = true;
        return true;
    }

    private NewRecording? Recording(LiveSessionState session)
    {
        var renditions = session.Renditions.Where(rendition => session.Durations.GetValueOrDefault(rendition.Name) is { Count: > 0 })
            .Select(rendition => new RecordedRendition(rendition, session.Keys[rendition.Name], [.. session.Durations[rendition.Name]], RecordedCmaf(session, rendition.Name)))
            .ToList();
        var lowest = renditions.Where(rendition => rendition.Plan.IsPlainVideo).MinBy(rendition => rendition.Plan.Height);
        if (lowest is null || session.Source is not { } source)
        {
            return null;
        }
        var facts = source with { Format = "live", DurationSeconds = lowest.Durations.Sum(), HasAudio = renditions.Any(rendition => rendition.Plan.IsAudio) };
        return new NewRecording(State.ProjectId, State.Title ?? $"Live {session.StartedAt:yyyy-MM-dd HH:mm} UTC", LiveStreamId, facts, session.SegmentSeconds, renditions);
    }

    /// <summary>A rendition's CMAF twins, when every one of its segments has one (else the recording is HLS only).</summary>
    private static RecordedCmaf? RecordedCmaf(LiveSessionState session, string rendition) =>
        session.Cenc.GetValueOrDefault(rendition) is { } cenc && cenc.ContiguousStarts() is var starts && starts.Count == session.Durations[rendition].Count
            ? new RecordedCmaf(cenc.KeyId, cenc.Key, cenc.Timescale, starts)
            : null;

    private async Task SettleQuietlyAsync()
    {
        try
        {
            await SettleAsync();
        }
        catch (Exception error)
        {
            // The reminder repeats it.
            LogCheckFailed(error, LiveStreamId);
        }
    }

    /// <summary>Every second while a session is active: the grace, the holding silo, the pending segment write.</summary>
    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        if (Session is not { Active: true } session)
        {
            StopWatch();
            return;
        }
        if (!session.Attached && session.GraceEndsAt <= time.GetUtcNow())
        {
            await EndSessionAsync("the publisher did not come back within the grace period");
        }
        else if (session.Attached && session.Silo is { } holder && _silos.IsGone(holder))
        {
            await OnSiloDeadAsync(holder);
        }
        else if (_dirty)
        {
            await SaveAsync();
        }
    }

    /// <summary>What the timer does, plus what may not have happened: the recording's hand-over, its readiness, the outbox.</summary>
    private async Task CheckAsync()
    {
        if (!State.Exists)
        {
            await StopRemindersAsync();
            return;
        }
        if (Session is { Active: true })
        {
            StartWatch();
            await WatchAsync(CancellationToken.None);
        }
        await SettleAsync();
        foreach (var videoId in State.RecordingVideoIds.Except(State.ReadyRecordings).ToList())
        {
            if (await GrainFactory.GetGrain<IVideoGrain>(videoId).GetAsync() is { Status: VideoStatus.Ready })
            {
                await OnRecordingReadyAsync(videoId);
            }
        }
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
            LogCheckFailed(error, LiveStreamId);
        }
    }

    private bool NeedsChecks => State.Exists
        && (Session is { Active: true } or { Settled: false } || State.Outbox.Count > 0 || State.RecordingVideoIds.Except(State.ReadyRecordings).Any());

    private async Task EnsureWatchedAsync()
    {
        StartWatch();
        await EnsureRemindedAsync();
    }

    private void StartWatch() =>
        _watch ??= this.RegisterGrainTimer(WatchAsync, new GrainTimerCreationOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));

    private void StopWatch()
    {
        _watch?.Dispose();
        _watch = null;
    }

    private async Task<string> ClaimNewKeyAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var key = LiveStreamKeys.Generate();
            // Claimed before the stream saves it: a claim whose stream never saved the key only ever refuses.
            if (await GrainFactory.GetGrain<ILiveStreamKeyGrain>(LiveStreamKeys.Hash(key)).ClaimAsync(LiveStreamId))
            {
                return key;
            }
            if (attempt == KeyAttempts)
            {
                throw new InvalidOperationException($"No free stream key after {KeyAttempts} attempts.");
            }
        }
    }

    private void Raise(string type)
    {
        State.UpdatedAt = time.GetUtcNow();
        State.Outbox.Add(new LiveStreamEvent(VideoEvent.NewId(), type, State.UpdatedAt, View()));
    }

    private Task FlushOutboxAsync() => EventOutbox.FlushAsync(State.Outbox,
        liveEvent => GrainFactory.GetGrain<Abstractions.Projects.IProjectEvents>(State.ProjectId).PublishLiveAsync(liveEvent), SaveAsync);

    private Task FlushOutboxQuietlyAsync() => EventOutbox.FlushQuietlyAsync(FlushOutboxAsync, error => LogCheckFailed(error, LiveStreamId), EnsureRemindedAsync);

    private async Task SaveAsync()
    {
        State.UpdatedAt = time.GetUtcNow();
        await store.WriteStateAsync();
        _dirty = false;
        _lastWrite = State.UpdatedAt;
    }

    private Task EnsureRemindedAsync() => this.EnsureCheckReminderAsync(silo.Value, reminders.Value);

    private Task StopRemindersAsync() => this.StopCheckReminderAsync();

    private void Notify() => _observers.Notify(observer => observer.OnLiveStreamChangedAsync(LiveStreamId));

    private LiveStreamView View() => new(
        State.Id, State.ProjectId, State.Title, State.StreamKey, State.Status, State.DvrWindowSeconds, State.Record, State.CreatedAt,
        Session is { } session ? SessionView(session) : null, [.. State.RecordingVideoIds]);

    private static LiveSessionView SessionView(LiveSessionState session)
    {
        var video = session.Renditions.Where(rendition => rendition.IsPlainVideo).OrderBy(rendition => rendition.Height).ToList();
        // The latency goal is set at 360p: the lowest rung of at least 360p, else the lowest there is.
        var measured = video.FirstOrDefault(rendition => rendition.Height >= 360) ?? video.FirstOrDefault();
        return new LiveSessionView(
            session.SessionId, session.StartedAt, session.EndedAt, session.Leg, session.Active ? session.Silo : null, session.Protocol,
            [.. session.Renditions], session.SegmentSeconds,
            measured is not null && session.Latency.TryGetValue(measured.Name, out var latency) ? latency : null,
            session.Settled ? session.RecordingVideoId : null, session.EndReason);
    }

    [LoggerMessage(LogLevel.Information, "Live stream {LiveStreamId}: session {SessionId} started on silo {Silo} over {Protocol}")]
    private partial void LogSessionStarted(string liveStreamId, string sessionId, string silo, string protocol);

    [LoggerMessage(LogLevel.Information, "Live stream {LiveStreamId}: session {SessionId} goes on as leg {Leg} on silo {Silo}")]
    private partial void LogReconnected(string liveStreamId, string sessionId, int leg, string silo);

    [LoggerMessage(LogLevel.Information, "Live stream {LiveStreamId}: session {SessionId} leg {Leg} lost its publisher ({Reason}); the reconnect grace runs")]
    private partial void LogDetached(string liveStreamId, string sessionId, int leg, string reason);

    [LoggerMessage(LogLevel.Information, "Live stream {LiveStreamId}: session {SessionId} ended: {Reason}")]
    private partial void LogSessionEnded(string liveStreamId, string sessionId, string reason);

    [LoggerMessage(LogLevel.Warning, "Live stream {LiveStreamId}: session {SessionId} was held by silo {Silo}, which is gone; it ends and its recording is kept")]
    private partial void LogSiloLost(string liveStreamId, string sessionId, string silo);

    [LoggerMessage(LogLevel.Warning, "Live stream {LiveStreamId}: session {SessionId} leg {Leg} changed the codec setup of {Rendition}; its DASH stops there (HLS goes on)")]
    private partial void LogCodecChanged(string liveStreamId, string sessionId, int leg, string rendition);

    [LoggerMessage(LogLevel.Warning, "Live stream {LiveStreamId}: checking on it failed; the reminder retries")]
    private partial void LogCheckFailed(Exception error, string liveStreamId);
}
