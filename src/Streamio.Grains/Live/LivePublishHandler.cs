using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Streamio.Abstractions.Live;
using Streamio.Grains.Planning;
using Streamio.Ingest;
using Streamio.Media;
using Streamio.Media.Live;
using Streamio.Storage;

namespace Streamio.Grains.Live;

/// <summary>
/// Runs one accepted publisher connection (a leg) on this silo. The stream grain says which session and leg it is; on a
/// session's first leg the first bytes are probed to plan the ladder. One FFmpeg process reads the container bytes on
/// stdin, decodes once and writes every rung and the audio as HLS segments to scratch; each closed segment is encrypted
/// with its rendition's key (IV = index), stored and registered with the grain, with the latency measured; then its
/// CMAF twin is made behind it (<see cref="LiveCmafPublisher"/>), so HLS never waits on DASH. The leg ends
/// when the publisher does (FFmpeg flushes its last segments first), or when the grain no longer wants it (key reset,
/// stream deleted): then the publisher's bytes stop flowing in and the same flush happens.
/// </summary>
public sealed partial class LivePublishHandler(
    IGrainFactory grains,
    IObjectStorage storage,
    FfmpegRunner ffmpeg,
    LiveSourceProbe prober,
    Media.Cmaf.CmafRemuxer remuxer,
    ILocalSiloDetails silo,
    IOptions<LiveOptions> options,
    IOptions<EncodingOptions> encoding,
    TimeProvider time,
    ILogger<LivePublishHandler> logger) : IPublishHandler
{
    private static readonly TimeSpan OutputPoll = TimeSpan.FromMilliseconds(100);

    public async Task RunAsync(IngestSession session, CancellationToken cancellationToken)
    {
        var stream = grains.GetGrain<ILiveStreamGrain>(session.LiveStreamId);
        var publisher = new LivePublisher(silo.SiloAddress.ToParsableString(), session.Protocol.ToString().ToLowerInvariant(), session.Remote.ToString());
        var leg = await stream.OnPublisherConnectedAsync(publisher);
        if (!leg.Accepted)
        {
            LogRefused(session.LiveStreamId, session.Remote.ToString(), leg.Refusal ?? "refused");
            return;
        }
        string? error = null;
        try
        {
            await RunLegAsync(stream, session, leg, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            error = "the ingest server stopped";
        }
        catch (Exception failure)
        {
            error = failure.Message;
            LogLegFailed(failure, session.LiveStreamId, leg.SessionId!, leg.Leg);
        }
        finally
        {
            await Work.Reports.RetryAsync(() => stream.OnPublisherDisconnectedAsync(leg.SessionId!, leg.Leg, error));
        }
    }

    private string ScratchRoot => options.Value.ScratchPath is { Length: > 0 } path ? path : Path.Combine(encoding.Value.WorkPath, "live");

    private async Task RunLegAsync(ILiveStreamGrain stream, IngestSession session, LiveLeg leg, CancellationToken cancellationToken)
    {
        if (await ReadPrefixAsync(session.Media, cancellationToken) is not var (prefix, arrivedAt))
        {
            return;
        }
        var source = await prober.ProbeAsync(prefix, session.ContainerFormat, cancellationToken);
        var renditions = leg.Renditions
            ?? await stream.OnLadderPlannedAsync(leg.SessionId!, leg.Leg, LivePlanner.Facts(source, session.ContainerFormat), LivePlanner.Plan(options.Value, encoding.Value, source));
        var targets = new List<LiveTarget>();
        // A later leg without sound leaves the audio rendition for the next leg that has it.
        foreach (var rendition in renditions.Where(rendition => !rendition.IsAudio || source.HasAudio))
        {
            if (await stream.GetKeyAsync(leg.SessionId!, rendition.Name) is not { } key)
            {
                return;
            }
            targets.Add(new LiveTarget(rendition, key, leg.FirstIndexOf(rendition.Name)));
        }
        if (targets.Count == 0 || !targets.Any(target => !target.Rendition.IsAudio))
        {
            // Superseded before the ladder was known.
            return;
        }
        var work = Path.GetFullPath(Path.Combine(ScratchRoot, session.LiveStreamId, $"{leg.SessionId}-{leg.Leg}"));
        try
        {
            foreach (var target in targets)
            {
                Directory.CreateDirectory(LiveArguments.SegmentDirectory(work, target.Rendition.Name));
            }
            var audio = targets.FirstOrDefault(target => target.Rendition.IsAudio);
            var job = new LiveEncodeJob(
                session.ContainerFormat,
                [.. targets.Where(target => !target.Rendition.IsAudio).Select(target => new LiveRung(target.Rendition.Name, target.Rendition.Width, target.Rendition.Height, target.Rendition.BitrateKbps, target.FirstIndex))],
                audio is null ? null : new LiveAudio(audio.Rendition.Name, audio.Rendition.BitrateKbps, audio.FirstIndex),
                options.Value.SegmentSeconds,
                leg.StartSeconds,
                work);
            var cmaf = await LiveCmafPublisher.StartAsync(stream, leg, session.LiveStreamId, targets.Select(target => target.Rendition.Name), remuxer, storage, logger,
                cancellationToken);
            try
            {
                await EncodeAsync(stream, session, leg, job, targets, prefix, arrivedAt, cmaf, cancellationToken);
            }
            finally
            {
                // Before the scratch goes and before the leg reports its end: the queued twins are made (or given up).
                if (cmaf is not null)
                {
                    await cmaf.DrainAsync();
                }
            }
        }
        finally
        {
            Work.Scratch.DeleteQuietly(work);
        }
    }

    private async Task EncodeAsync(
        ILiveStreamGrain stream, IngestSession session, LiveLeg leg, LiveEncodeJob job, List<LiveTarget> targets, byte[] prefix, DateTimeOffset arrivedAt,
        LiveCmafPublisher? cmaf, CancellationToken cancellationToken)
    {
        // Cutting stops the publisher's bytes; FFmpeg then sees the end of its input, flushes and exits on its own.
        using var cut = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Exception? sideError = null;
        var watchers = targets.Select(target => new HlsSegmentWatcher(target.Rendition.Name, LiveArguments.PlaylistPath(job.WorkDirectory, target.Rendition.Name),
            LiveArguments.SegmentDirectory(job.WorkDirectory, target.Rendition.Name), target.FirstIndex,
            segment => PublishAsync(stream, leg, target, segment, arrivedAt, cmaf, cut))).ToList();
        using var encoded = new CancellationTokenSource();
        var watch = Task.Run(async () =>
        {
            var nextCheck = time.GetUtcNow().AddSeconds(options.Value.CurrentPollSeconds);
            try
            {
                while (!encoded.IsCancellationRequested)
                {
                    foreach (var watcher in watchers)
                    {
                        await watcher.PollAsync(CancellationToken.None);
                    }
                    if (time.GetUtcNow() >= nextCheck)
                    {
                        nextCheck = time.GetUtcNow().AddSeconds(options.Value.CurrentPollSeconds);
                        if (!await stream.IsCurrentAsync(leg.SessionId!, leg.Leg))
                        {
                            LogCut(session.LiveStreamId, leg.SessionId!, leg.Leg);
                            await cut.CancelAsync();
                        }
                    }
                    await Task.Delay(OutputPoll, encoded.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                }
            }
            catch (Exception error)
            {
                // Storing or registering failed: the leg ends and says why.
                sideError = error;
                await cut.CancelAsync();
            }
        }, CancellationToken.None);
        try
        {
            // Urgent: a live encode must keep up with real time, so it runs ahead of VOD chunks (background) on its silo.
            await ffmpeg.RunFfmpegAsync(LiveArguments.Encode(job, options.Value.Preset), TimeSpan.FromHours(options.Value.MaxLegHours), null, cancellationToken,
                standardInput: (stdin, token) => FeedAsync(stdin, prefix, session.Media, token, cut.Token), urgent: true);
        }
        finally
        {
            await encoded.CancelAsync();
            await watch;
        }
        if (sideError is not null)
        {
            throw sideError;
        }
        // FFmpeg flushed: its last segments are closed now.
        foreach (var watcher in watchers)
        {
            await watcher.PollAsync(CancellationToken.None);
        }
    }

    private async Task PublishAsync(
        ILiveStreamGrain stream, LiveLeg leg, LiveTarget target, ClosedSegment segment, DateTimeOffset arrivedAt, LiveCmafPublisher? cmaf, CancellationTokenSource cut)
    {
        var plaintext = await File.ReadAllBytesAsync(segment.LocalPath);
        using (var content = new MemoryStream(SegmentCipher.Encrypt(plaintext, target.Key, segment.Index), writable: false))
        {
            await storage.PutAsync(StorageKeys.LiveSegment(leg.StoragePrefix, target.Rendition.Name, segment.Index), content, CancellationToken.None);
        }
        // Publishers send in real time, so the segment's end on the leg's clock is when its last frame arrived.
        target.LegSeconds += segment.DurationSeconds;
        var latency = (time.GetUtcNow() - arrivedAt).TotalSeconds - target.LegSeconds;
        var registered = await stream.RegisterSegmentAsync(leg.SessionId!, leg.Leg, target.Rendition.Name, segment.Index, segment.DurationSeconds, latency);
        if (registered && cmaf is not null)
        {
            cmaf.Enqueue(target.Rendition.Name, segment);
        }
        else
        {
            File.Delete(segment.LocalPath);
        }
        if (!registered)
        {
            await cut.CancelAsync();
        }
    }

    /// <summary>The first bytes (up to 1 MB or <see cref="LiveOptions.ProbeSeconds"/>) and when the first one came; null when the publisher sent nothing.</summary>
    private async Task<(byte[] Prefix, DateTimeOffset ArrivedAt)?> ReadPrefixAsync(Stream media, CancellationToken cancellationToken)
    {
        using var prefix = new MemoryStream();
        var buffer = new byte[64 * 1024];
        DateTimeOffset? arrivedAt = null;
        while (prefix.Length < LiveArguments.ProbeBytes)
        {
            var read = await media.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                break;
            }
            arrivedAt ??= time.GetUtcNow();
            prefix.Write(buffer, 0, read);
            if ((time.GetUtcNow() - arrivedAt.Value).TotalSeconds >= options.Value.ProbeSeconds)
            {
                break;
            }
        }
        return arrivedAt is { } first ? (prefix.ToArray(), first) : null;
    }

    /// <summary>The probed prefix, then the publisher's bytes as they come, until it disconnects or the leg is cut.</summary>
    private static async Task FeedAsync(Stream stdin, byte[] prefix, Stream media, CancellationToken stopped, CancellationToken cut)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(stopped, cut);
        try
        {
            await stdin.WriteAsync(prefix, both.Token);
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await media.ReadAsync(buffer, both.Token)) > 0)
            {
                await stdin.WriteAsync(buffer.AsMemory(0, read), both.Token);
            }
        }
        catch (OperationCanceledException) when (cut.IsCancellationRequested && !stopped.IsCancellationRequested)
        {
            // Cut off: the end of input lets FFmpeg flush what it has.
        }
    }

    /// <summary>One rendition of the leg: its key, the index its first segment takes, and the leg's length so far in it.</summary>
    private sealed class LiveTarget(Abstractions.Videos.RenditionPlan rendition, byte[] key, int firstIndex)
    {
        public Abstractions.Videos.RenditionPlan Rendition => rendition;

        public byte[] Key => key;

        public int FirstIndex => firstIndex;

        public double LegSeconds { get; set; }
    }

    [LoggerMessage(LogLevel.Warning, "Live stream {LiveStreamId}: publisher {Remote} refused: {Reason}")]
    private partial void LogRefused(string liveStreamId, string remote, string reason);

    [LoggerMessage(LogLevel.Warning, "Live stream {LiveStreamId}: session {SessionId} leg {Leg} failed")]
    private partial void LogLegFailed(Exception error, string liveStreamId, string sessionId, int leg);

    [LoggerMessage(LogLevel.Information, "Live stream {LiveStreamId}: session {SessionId} leg {Leg} is no longer wanted (key reset or stream deleted); its publisher is cut off")]
    private partial void LogCut(string liveStreamId, string sessionId, int leg);
}
