using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Streamio.Abstractions.Watermarks;
using Streamio.Media;
using Streamio.Storage;

namespace Streamio.Grains.Watermarks;

/// <summary>
/// One viewer's watermarked stream of one video (key "{videoId}/{sessionId}"). Admitted through the slot registry,
/// run by whichever silo takes it, expired by a grain timer (and, should the activation be lost, a reminder): expiry
/// deletes every segment of the session and forgets its key.
/// </summary>
public sealed partial class WatermarkSessionGrain(
    [PersistentState("watermark", GrainStorage.Name)] IPersistentState<WatermarkSessionState> store,
    IObjectStorage storage,
    IClusterMembershipService membership,
    IOptions<WatermarkOptions> options,
    IOptions<ReminderOptions> reminders,
    TimeProvider time,
    ILogger<WatermarkSessionGrain> logger) : Grain, IWatermarkSessionGrain, IRemindable
{
    private const string ExpiryReminder = "expire";
    private IGrainTimer? _expiry;

    private WatermarkSessionState State => store.State;

    private bool Live => State.Key.Length > 0 && time.GetUtcNow() < State.ExpiresAt;

    private IWatermarkSlotsGrain Slots => GrainFactory.GetGrain<IWatermarkSlotsGrain>(0);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Key.Length == 0)
        {
            return;
        }
        ArmExpiryTimer();
        // The silo that ran it is gone (or this is a restart of the whole cluster): admit it again.
        if (Live && State.Status is WatermarkSessionStatus.Running && State.Silo is { } silo && !IsActive(silo))
        {
            await ReadmitAsync();
        }
    }

    public async Task<WatermarkSessionStart> StartAsync(WatermarkSessionRequest request)
    {
        if (Live && State.Status != WatermarkSessionStatus.Failed && State.Viewer == request.Viewer && State.Watermark == request.Watermark)
        {
            return new WatermarkSessionStart(WatermarkAdmission.Reused, View());
        }
        if (State.Key.Length > 0)
        {
            // An expired or failed session of the same viewer: its objects go before a fresh one starts.
            await DeleteObjectsAsync();
        }
        var now = time.GetUtcNow();
        var (_, sessionId) = WatermarkSessionKeys.Parse(this.GetPrimaryKeyString());
        if (!await Slots.OfferAsync(this.GetPrimaryKeyString()))
        {
            await ClearAsync();
            return new WatermarkSessionStart(WatermarkAdmission.Full, null);
        }
        store.State = new WatermarkSessionState
        {
            SessionId = sessionId,
            Generation = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)),
            VideoId = request.VideoId,
            ProjectId = request.ProjectId,
            Viewer = request.Viewer,
            Watermark = request.Watermark,
            Key = SegmentCipher.NewKey(),
            Status = WatermarkSessionStatus.Queued,
            CreatedAt = now,
            ExpiresAt = now.AddSeconds(options.Value.SessionTtlSeconds),
        };
        await store.WriteStateAsync();
        ArmExpiryTimer();
        // Durable backstop: should this activation be lost, the reminder still deletes the segments.
        var period = TimeSpan.FromSeconds(Math.Max(60, reminders.Value.MinimumReminderPeriod.TotalSeconds));
        await this.RegisterOrUpdateReminder(ExpiryReminder, State.ExpiresAt - now + TimeSpan.FromSeconds(1), period);
        LogStarted(this.GetPrimaryKeyString(), State.ExpiresAt);
        return new WatermarkSessionStart(WatermarkAdmission.Started, View());
    }

    public Task<WatermarkSessionView?> GetAsync() => Task.FromResult(Live ? View() : null);

    public Task<byte[]?> GetKeyAsync() => Task.FromResult(Live ? State.Key : null);

    public async Task<WatermarkRun?> BeginRunAsync(string silo)
    {
        if (!Live || State.Status is WatermarkSessionStatus.Complete or WatermarkSessionStatus.Failed)
        {
            return null;
        }
        State.Status = WatermarkSessionStatus.Running;
        State.Silo = silo;
        State.Attempts++;
        await store.WriteStateAsync();
        return new WatermarkRun(State.SessionId, State.Generation, State.VideoId, State.ProjectId, State.Watermark, State.Key, State.Attempts, State.ExpiresAt);
    }

    public async Task<bool> OnRenditionAsync(int attempt, WatermarkRendition rendition)
    {
        if (!Current(attempt))
        {
            return false;
        }
        if (State.Rendition != rendition)
        {
            State.Rendition = rendition;
            await store.WriteStateAsync();
        }
        return true;
    }

    public async Task<bool> RegisterSegmentAsync(int attempt, int index, double durationSeconds)
    {
        if (!Current(attempt))
        {
            return false;
        }
        // A redone run makes the same segments again: the first registration stands.
        if (State.Segments.TryAdd(index, durationSeconds))
        {
            await store.WriteStateAsync();
        }
        return true;
    }

    public async Task CompleteAsync(int attempt, int segmentCount)
    {
        if (!Current(attempt))
        {
            return;
        }
        State.Status = WatermarkSessionStatus.Complete;
        State.SegmentCount = segmentCount;
        await store.WriteStateAsync();
    }

    public async Task FailAsync(int attempt, string error)
    {
        if (!Current(attempt))
        {
            return;
        }
        State.Status = WatermarkSessionStatus.Failed;
        State.Error = error;
        await store.WriteStateAsync();
        LogFailed(this.GetPrimaryKeyString(), error);
    }

    public async Task OnSiloDeadAsync(string silo)
    {
        if (Live && State.Status == WatermarkSessionStatus.Running && State.Silo == silo)
        {
            await ReadmitAsync();
        }
    }

    public async Task ExpireAsync()
    {
        if (State.Key.Length == 0 || time.GetUtcNow() < State.ExpiresAt)
        {
            return;
        }
        await DeleteObjectsAsync();
        await ClearAsync();
        if (await this.GetReminder(ExpiryReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
        DeactivateOnIdle();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => ExpireAsync();

    private async Task ReadmitAsync()
    {
        State.Silo = null;
        State.Status = WatermarkSessionStatus.Queued;
        if (!await Slots.OfferAsync(this.GetPrimaryKeyString()))
        {
            State.Status = WatermarkSessionStatus.Failed;
            State.Error = "The silo running this session stopped and no other silo has a free session slot: ask for the watermarked URL again.";
        }
        await store.WriteStateAsync();
    }

    private bool Current(int attempt) => Live && attempt == State.Attempts && State.Status == WatermarkSessionStatus.Running;

    private bool IsActive(string silo) => membership.CurrentSnapshot.GetSiloStatus(SiloAddress.FromParsableString(silo)) == SiloStatus.Active;

    private void ArmExpiryTimer()
    {
        _expiry?.Dispose();
        var due = State.ExpiresAt - time.GetUtcNow();
        _expiry = this.RegisterGrainTimer(_ => ExpireAsync(), new GrainTimerCreationOptions(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan)
        {
            // The session is held in memory for its life: its timer must fire, not be collected with an idle activation.
            KeepAlive = true,
        });
    }

    private async Task DeleteObjectsAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await storage.DeletePrefixAsync(StorageKeys.WatermarkSessionPrefix(State.ProjectId, State.VideoId, State.SessionId), CancellationToken.None);
                return;
            }
            catch (IOException) when (attempt < 5)
            {
                // A run may be storing a segment at this moment; its registration is refused from now on.
                await Task.Delay(200 * attempt);
            }
        }
    }

    private async Task ClearAsync()
    {
        _expiry?.Dispose();
        _expiry = null;
        await store.ClearStateAsync();
        store.State = new WatermarkSessionState();
    }

    private WatermarkSessionView View() => new(
        State.SessionId, State.Generation, State.VideoId, State.ProjectId, State.Viewer, State.Watermark, State.Status, State.Rendition,
        State.ContiguousDurations(), State.Status == WatermarkSessionStatus.Complete && State.Segments.Count >= State.SegmentCount,
        State.Error, State.Silo, State.Attempts, State.CreatedAt, State.ExpiresAt);

    [LoggerMessage(LogLevel.Information, "Watermark session {Session} started; it expires at {ExpiresAt}")]
    private partial void LogStarted(string session, DateTimeOffset expiresAt);

    [LoggerMessage(LogLevel.Warning, "Watermark session {Session} failed: {Error}")]
    private partial void LogFailed(string session, string error);
}

/// <summary>The durable state of one watermark session.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class WatermarkSessionState
{
    public string SessionId { get; set; } = "";

    public string Generation { get; set; } = "";

    public string VideoId { get; set; } = "";

    public string ProjectId { get; set; } = "";

    public string? Viewer { get; set; }

    public WatermarkSpec Watermark { get; set; } = new("", "", 0, 0);

    /// <summary>The session's own AES-128 key: never the rendition's, so a session's key opens nothing else.</summary>
    public byte[] Key { get; set; } = [];

    public WatermarkSessionStatus Status { get; set; }

    public WatermarkRendition? Rendition { get; set; }

    public SortedDictionary<int, double> Segments { get; set; } = [];

    public int SegmentCount { get; set; }

    public string? Error { get; set; }

    public string? Silo { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public List<double> ContiguousDurations()
    {
        var durations = new List<double>();
        while (Segments.TryGetValue(durations.Count, out var duration))
        {
            durations.Add(duration);
        }
        return durations;
    }
}
