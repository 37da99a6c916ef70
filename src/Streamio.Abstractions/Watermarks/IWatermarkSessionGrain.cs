namespace Streamio.Abstractions.Watermarks;

/// <summary>
/// One viewer's burned-in watermarked stream of one video (key: "{videoId}/{sessionId}"). Owns the session's own
/// AES-128 key, its segment list and its life: admitted through <see cref="IWatermarkSlotsGrain"/>, run on a silo with
/// a free slot, and deleted with its segments when its TTL ends. Reports carry the attempt, so a superseded run
/// changes nothing.
/// </summary>
public interface IWatermarkSessionGrain : IGrainWithStringKey
{
    /// <summary>Starts the session, or returns the live one when the same request is made again within its life.</summary>
    Task<WatermarkSessionStart> StartAsync(WatermarkSessionRequest request);

    [ReadOnly]
    Task<WatermarkSessionView?> GetAsync();

    /// <summary>The session's key, or null when there is no live session.</summary>
    [ReadOnly]
    Task<byte[]?> GetKeyAsync();

    /// <summary>A silo took the session from the registry: a new attempt, or null when the session is gone.</summary>
    Task<WatermarkRun?> BeginRunAsync(string silo);

    /// <summary>The run chose the rendition to watermark. False: stop, the attempt is no longer the session's.</summary>
    Task<bool> OnRenditionAsync(int attempt, WatermarkRendition rendition);

    /// <summary>A segment is stored. False: stop, the session expired or the attempt was superseded.</summary>
    Task<bool> RegisterSegmentAsync(int attempt, int index, double durationSeconds);

    Task CompleteAsync(int attempt, int segmentCount);

    Task FailAsync(int attempt, string error);

    /// <summary>The silo running the session was declared dead: it is admitted again, for another silo.</summary>
    Task OnSiloDeadAsync(string silo);

    /// <summary>Deletes the session's segments and key once its TTL has passed (a timer and a reminder call it).</summary>
    Task ExpireAsync();
}

/// <summary>
/// The cluster's watermark session slots (one grain, key 0, memory only): every silo reports its capacity
/// (<c>Streamio:Watermark:MaxSessionsPerSilo</c>) and running sessions when it polls for a session to run, so a request
/// is admitted only when some silo has a free slot, and refused (429) when the cluster is full.
/// </summary>
public interface IWatermarkSlotsGrain : IGrainWithIntegerKey
{
    /// <summary>Queues a session when a slot is free somewhere; false when every slot is taken.</summary>
    Task<bool> OfferAsync(string sessionKey);

    /// <summary>A silo with <paramref name="running"/> of <paramref name="capacity"/> slots in use asks for a session, waiting up to <paramref name="wait"/>.</summary>
    Task<string?> TakeAsync(string silo, int capacity, int running, TimeSpan wait);

    /// <summary>The silo's run of the session ended (finished, failed or stopped).</summary>
    Task DoneAsync(string sessionKey);

    [ReadOnly]
    Task<WatermarkSlotsView> GetViewAsync();
}
