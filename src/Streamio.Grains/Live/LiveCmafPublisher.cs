using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Streamio.Abstractions.Live;
using Streamio.Media;
using Streamio.Media.Cmaf;
using Streamio.Storage;

namespace Streamio.Grains.Live;

/// <summary>
/// The CMAF twins of one leg, behind its HLS path: each TS segment, once stored and registered for HLS, is queued here,
/// repackaged in process as fMP4 (no second encode, milliseconds a segment), CENC-encrypted under its rendition's key,
/// stored next to the TS and registered. One segment at a time, in order, so twins register in order and HLS never
/// waits on them. The session keeps one init per rendition (written with its first CMAF segment); a later leg
/// whose codec setup differs makes no DASH for that rendition (HLS goes on). A failed twin is logged and skipped (its
/// DASH window restarts after it). The TS file is deleted once its twin is made.
/// </summary>
public sealed partial class LiveCmafPublisher
{
    private readonly Channel<(string Rendition, ClosedSegment Segment)> _queue = Channel.CreateUnbounded<(string, ClosedSegment)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, Track> _tracks;
    private readonly ILiveStreamGrain _stream;
    private readonly LiveLeg _leg;
    private readonly string _liveStreamId;
    private readonly CmafRemuxer _remuxer;
    private readonly IObjectStorage _storage;
    private readonly ILogger _logger;
    private readonly Task _worker;
    private readonly List<double> _milliseconds = [];

    private LiveCmafPublisher(
        Dictionary<string, Track> tracks, ILiveStreamGrain stream, LiveLeg leg, string liveStreamId, CmafRemuxer remuxer, IObjectStorage storage, ILogger logger,
        CancellationToken stopped)
    {
        (_tracks, _stream, _leg, _liveStreamId, _remuxer, _storage, _logger) = (tracks, stream, leg, liveStreamId, remuxer, storage, logger);
        _worker = Task.Run(() => RunAsync(stopped), CancellationToken.None);
    }

    /// <summary>The leg's CMAF publisher, or null when its session makes no CMAF (DASH off, or a session from before it).</summary>
    public static async Task<LiveCmafPublisher?> StartAsync(
        ILiveStreamGrain stream, LiveLeg leg, string liveStreamId, IEnumerable<string> renditions, CmafRemuxer remuxer, IObjectStorage storage, ILogger logger,
        CancellationToken stopped)
    {
        if (leg.CmafPrefix.Length == 0)
        {
            return null;
        }
        var tracks = new Dictionary<string, Track>();
        foreach (var rendition in renditions)
        {
            if (await stream.GetCencKeyAsync(leg.SessionId!, rendition) is { } cenc)
            {
                tracks[rendition] = new Track(new CencKey(cenc.KeyId, cenc.Key)) { CodecConfig = cenc.CodecConfig };
            }
        }
        return tracks.Count == 0 ? null : new LiveCmafPublisher(tracks, stream, leg, liveStreamId, remuxer, storage, logger, stopped);
    }

    /// <summary>Takes over <paramref name="segment"/>'s file (deleted once its twin is made, or at once when the rendition has none).</summary>
    public void Enqueue(string rendition, ClosedSegment segment)
    {
        if (!_tracks.ContainsKey(rendition) || !_queue.Writer.TryWrite((rendition, segment)))
        {
            File.Delete(segment.LocalPath);
        }
    }

    /// <summary>No more segments: waits for the queued ones (the leg reports its end only after its last twin).</summary>
    public async Task DrainAsync()
    {
        _queue.Writer.TryComplete();
        await _worker;
        if (_milliseconds.Count > 0)
        {
            LogMeasured(_liveStreamId, _leg.SessionId!, _leg.Leg, _milliseconds.Count, _milliseconds.Average(), _milliseconds.Max());
        }
    }

    private async Task RunAsync(CancellationToken stopped)
    {
        await foreach (var (rendition, segment) in _queue.Reader.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                if (!stopped.IsCancellationRequested && _tracks[rendition] is { Enabled: true } track)
                {
                    var started = Stopwatch.GetTimestamp();
                    await PublishAsync(rendition, track, segment, stopped);
                    _milliseconds.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
            catch (Exception error) when (!stopped.IsCancellationRequested)
            {
                LogFailed(error, _liveStreamId, rendition, segment.Index);
            }
            catch (OperationCanceledException)
            {
                // The ingest server stops: the leg ends without its last twins.
            }
            finally
            {
                File.Delete(segment.LocalPath);
            }
        }
    }

    private async Task PublishAsync(string rendition, Track track, ClosedSegment segment, CancellationToken stopped)
    {
        var parts = await _remuxer.RemuxAsync(segment.LocalPath, segment.Index, track.Key, stopped);
        var config = CmafFragment.CodecConfig(parts.Init) ?? throw new InvalidDataException("The CMAF init has no codec configuration (avcC or esds).");
        if (track.CodecConfig is null)
        {
            await PutAsync(StorageKeys.LiveCmafInit(_leg.CmafPrefix, rendition), parts.Init);
        }
        else if (track.CodecConfig != config)
        {
            track.Enabled = false;
            LogCodecChanged(_liveStreamId, _leg.SessionId!, _leg.Leg, rendition);
            return;
        }
        track.CodecConfig = config;
        await PutAsync(StorageKeys.LiveCmafSegment(_leg.CmafPrefix, rendition, segment.Index), parts.Media);
        track.Enabled = await _stream.RegisterCmafSegmentAsync(_leg.SessionId!, _leg.Leg,
            new LiveCmafSegment(rendition, segment.Index, parts.DecodeTime, parts.Timescale, config));
    }

    private async Task PutAsync(string key, byte[] bytes)
    {
        using var content = new MemoryStream(bytes, writable: false);
        await _storage.PutAsync(key, content, CancellationToken.None);
    }

    /// <summary>A rendition's CENC key, its session's init fingerprint (null: this leg writes the init), and whether it still makes twins.</summary>
    private sealed class Track(CencKey key)
    {
        public CencKey Key => key;

        public string? CodecConfig { get; set; }

        public bool Enabled { get; set; } = true;
    }

    [LoggerMessage(LogLevel.Information, "Live stream {LiveStreamId}: session {SessionId} leg {Leg} made {Count} CMAF twins, {MeanMs:0} ms each on average, {MaxMs:0} ms at most")]
    private partial void LogMeasured(string liveStreamId, string sessionId, int leg, int count, double meanMs, double maxMs);

    [LoggerMessage(LogLevel.Warning, "Live stream {LiveStreamId}: the CMAF twin of {Rendition} segment {Index} failed; DASH skips it")]
    private partial void LogFailed(Exception error, string liveStreamId, string rendition, int index);

    [LoggerMessage(LogLevel.Warning, "Live stream {LiveStreamId}: session {SessionId} leg {Leg} changed the codec setup of {Rendition}; its DASH stops there (HLS goes on)")]
    private partial void LogCodecChanged(string liveStreamId, string sessionId, int leg, string rendition);
}
