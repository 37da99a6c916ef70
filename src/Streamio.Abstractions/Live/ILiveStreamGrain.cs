using Streamio.Abstractions.Videos;

namespace Streamio.Abstractions.Live;

/// <summary>
/// One live stream (key: its id, <c>ls_…</c>): its stream key, its status, the session being published and which silo
/// holds it, the renditions' AES-128 keys and segments, the DVR window, and the recordings it made. Reports from a silo
/// carry the session and leg, so a superseded publisher changes nothing.
/// </summary>
public interface ILiveStreamGrain : IGrainWithStringKey
{
    Task<LiveStreamView> CreateAsync(LiveStreamCreate request);

    [ReadOnly]
    Task<LiveStreamView?> GetAsync();

    /// <summary>A new stream key; the old one stops working at once and a publisher using it is cut off.</summary>
    Task<LiveStreamView?> ResetKeyAsync();

    /// <summary>Ends any session (its recording is kept as a video) and forgets the stream and its key.</summary>
    Task DeleteAsync();

    /// <summary>The ingest on <see cref="LivePublisher.Silo"/> accepted a publisher with this stream's key.</summary>
    Task<LiveLeg> OnPublisherConnectedAsync(LivePublisher publisher);

    /// <summary>The silo planned the ladder from the incoming picture (first leg of a session only); returns the plan kept.</summary>
    Task<IReadOnlyList<RenditionPlan>> OnLadderPlannedAsync(string sessionId, int leg, SourceFacts source, IReadOnlyList<RenditionPlan> renditions);

    /// <summary>A segment is stored; false tells the silo to stop (the leg was superseded or the stream deleted).</summary>
    Task<bool> RegisterSegmentAsync(string sessionId, int leg, string rendition, int index, double durationSeconds, double latencySeconds);

    /// <summary>The publisher of this leg went away; the reconnect grace starts.</summary>
    Task OnPublisherDisconnectedAsync(string sessionId, int leg, string? error);

    /// <summary>The silo holding the session was declared dead: the session ends and its recording is kept.</summary>
    Task OnSiloDeadAsync(string silo);

    /// <summary>The recording video made from a session became ready (live.recording.ready); the stream's check asks too.</summary>
    Task OnRecordingReadyAsync(string videoId);

    /// <summary>True while the given leg is still the one the stream wants (the silo polls it to notice a key reset or delete).</summary>
    [ReadOnly]
    Task<bool> IsCurrentAsync(string sessionId, int leg);

    /// <summary>A rendition's AES-128 key for the current or a recorded session.</summary>
    [ReadOnly]
    Task<byte[]?> GetKeyAsync(string sessionId, string rendition);

    /// <summary>
    /// A rendition's CENC key and KID for its CMAF segments (current or recorded session), and the codec fingerprint of
    /// its stored init; null when the session has no CMAF output (DASH off, or a session from before it).
    /// </summary>
    [ReadOnly]
    Task<LiveCencKey?> GetCencKeyAsync(string sessionId, string rendition);

    /// <summary>
    /// The CMAF twin of a registered segment is stored. False tells the silo to stop CMAF for that rendition in this leg:
    /// the leg is no longer current, or the codec parameters changed from the session's init (unsupported).
    /// </summary>
    Task<bool> RegisterCmafSegmentAsync(string sessionId, int leg, LiveCmafSegment segment);

    /// <summary>The CMAF renditions within the DVR window of the current (or last) session: what a DASH MPD is made of.</summary>
    [ReadOnly]
    Task<LiveDashView?> GetDashAsync();

    /// <summary>The segments of a rendition within the DVR window of the current (or last) session.</summary>
    [ReadOnly]
    Task<LivePlaylistView?> GetPlaylistAsync(string rendition);

    Task SubscribeAsync(ILiveStreamObserver observer);

    Task UnsubscribeAsync(ILiveStreamObserver observer);
}

/// <summary>Finds a live stream by its stream key (key: SHA-256 hex of the stream key).</summary>
public interface ILiveStreamKeyGrain : IGrainWithStringKey
{
    Task<bool> ClaimAsync(string liveStreamId);

    [ReadOnly]
    Task<string?> GetLiveStreamIdAsync();

    Task ReleaseAsync(string liveStreamId);
}

/// <summary>A project's live streams, newest first (key: project id).</summary>
public interface IProjectLiveStreamsGrain : IGrainWithStringKey
{
    Task AddAsync(string liveStreamId);

    Task RemoveAsync(string liveStreamId);

    [ReadOnly]
    Task<IReadOnlyList<string>> ListAsync();
}

/// <summary>Told when a live stream's status, latency or segments change (API nodes push it over SignalR).</summary>
public interface ILiveStreamObserver : IGrainObserver
{
    [OneWay]
    Task OnLiveStreamChangedAsync(string liveStreamId);
}
