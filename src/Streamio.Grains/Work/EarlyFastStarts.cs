using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Streamio.Abstractions.Work;
using Streamio.Grains.Planning;
using Streamio.Media;
using Streamio.Media.Cmaf;

namespace Streamio.Grains.Work;

/// <summary>
/// Fast starts begun beside a new video's probe, before its plan exists (<see cref="EncodingOptions.EarlyFastStart"/>):
/// segment 0 at the ladder's lowest rung, its width left to FFmpeg. An encode waits here, its segments kept, until the
/// video adopts it (<see cref="IVideoGrain.OnProbedAsync"/>) and the chunk runner of the adopted item publishes them;
/// one not adopted is stopped and its files removed. One per silo.
/// </summary>
public sealed partial class EarlyFastStarts(IMediaEncoder encoder, IOptions<EncodingOptions> options, ILogger<EarlyFastStarts> logger)
{
    private readonly ConcurrentDictionary<string, EarlyEncode> _encodes = new(StringComparer.Ordinal);
    private int _published;
    private int _dropped;

    /// <summary>Early encodes whose segment was published: the probe's time was off the way to playable.</summary>
    public int Published => Volatile.Read(ref _published);

    /// <summary>Early encodes stopped or left unused: not adopted, or failed, or not of the planned size.</summary>
    public int Dropped => Volatile.Read(ref _dropped);

    /// <summary>Starts the fast start beside the first probe of a new video; null when it may not start early.</summary>
    public EarlyEncode? Start(WorkAssignment probe, MediaInput source)
    {
        var encoding = options.Value;
        // A logo is sized to the rung's width, which only FFmpeg knows here; a forensic video's first segment is a whole one.
        if (!encoding.EarlyFastStart || probe.Kind != WorkKind.Probe || probe.Plan is not null || probe.Logo is not null || probe.Forensic
            || encoding.EffectiveLadder.MinBy(rung => rung.Height) is not { } lowest)
        {
            return null;
        }
        var guess = new EarlyFastStart(lowest.Height, lowest.VideoKbps, LadderPlanner.FirstSegmentSeconds(encoding), encoding.SegmentSeconds);
        var directory = Scratch.For(encoding.WorkPath, probe, "early");
        var job = new ChunkEncodeJob(source, 0, guess.FirstSegmentSeconds, 0, guess.SegmentSeconds,
            [new Rung(EarlyEncode.Rendition, 0, guess.Height, guess.VideoKbps) { WidthFromSource = true }], directory)
        {
            // What a viewer waits for, as the fast start it stands in for.
            Urgent = true,
        };
        var early = new EarlyEncode(probe.VideoId, guess, directory, (onSegment, cancellationToken) => encoder.EncodeChunkAsync(job, onSegment, null, cancellationToken));
        if (_encodes.TryGetValue(probe.VideoId, out var older) && _encodes.TryRemove(new(probe.VideoId, older)))
        {
            Drop(older, "a later probe attempt started another");
        }
        _encodes[probe.VideoId] = early;
        return early;
    }

    /// <summary>
    /// The probe's answer: <paramref name="fastStart"/> is the item the video assigned to this silo for the early encode,
    /// or null, which stops it.
    /// </summary>
    public void Settle(EarlyEncode early, WorkAssignment? fastStart)
    {
        if (fastStart is not null)
        {
            early.AdoptedAs = (fastStart.ItemId, fastStart.Attempt);
        }
        else if (_encodes.TryRemove(new(early.VideoId, early)))
        {
            Drop(early, "the plan wants another fast start");
        }
    }

    /// <summary>The early encode the video adopted as this attempt of its fast start, now the caller's; null when there is none.</summary>
    public EarlyEncode? Take(WorkAssignment fastStart) =>
        _encodes.TryGetValue(fastStart.VideoId, out var early) && early.AdoptedAs == (fastStart.ItemId, fastStart.Attempt)
            && _encodes.TryRemove(new(fastStart.VideoId, early))
            ? early
            : null;

    /// <summary>The taken encode's segment was published.</summary>
    public void Used(EarlyEncode early)
    {
        Interlocked.Increment(ref _published);
        early.End();
    }

    /// <summary>The encode is not used: stopped if still running, its files removed once FFmpeg has exited.</summary>
    public void Drop(EarlyEncode early, string why)
    {
        Interlocked.Increment(ref _dropped);
        LogDropped(early.VideoId, why);
        early.End();
    }

    [LoggerMessage(LogLevel.Debug, "Video {VideoId}: the fast start begun beside the probe is not used ({Why})")]
    private partial void LogDropped(string videoId, string why);
}

/// <summary>One fast start begun beside a probe: FFmpeg runs at once, and its closed segments wait for the one who publishes them.</summary>
public sealed class EarlyEncode
{
    /// <summary>FFmpeg's name for the output, whose real rendition is known only from the plan.</summary>
    public const string Rendition = "early";

    private readonly Channel<ClosedSegment> _closed = Channel.CreateUnbounded<ClosedSegment>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly string _directory;
    private readonly Task _run;

    internal EarlyEncode(string videoId, EarlyFastStart guess, string directory, Func<Func<ClosedSegment, Task>, CancellationToken, Task> encode)
    {
        VideoId = videoId;
        Guess = guess;
        _directory = directory;
        _run = Task.Run(() => RunAsync(encode));
    }

    public string VideoId { get; }

    /// <summary>What is being encoded, for the video to compare with its plan.</summary>
    public EarlyFastStart Guess { get; }

    /// <summary>The fast start's item and attempt, once the video adopted this encode.</summary>
    internal (int ItemId, int Attempt)? AdoptedAs { get; set; }

    /// <summary>
    /// Hands each segment, closed already or yet to close, to <paramref name="onSegment"/> as <paramref name="rung"/>'s,
    /// until the encode ends; returns how many. Throws FFmpeg's error, and <see cref="InvalidDataException"/> before
    /// anything is handed on when the frames are not of the rung's size.
    /// </summary>
    public async Task<int> PublishAsAsync(Rung rung, Func<ClosedSegment, Task> onSegment, CancellationToken cancellationToken)
    {
        await using var stop = cancellationToken.Register(_stop.Cancel);
        var count = 0;
        await foreach (var segment in _closed.Reader.ReadAllAsync(cancellationToken))
        {
            var (width, height) = H264Access.FrameSizeOfSegment(await File.ReadAllBytesAsync(segment.LocalPath, cancellationToken));
            if (width != rung.Width || height != rung.Height)
            {
                throw new InvalidDataException($"The early fast start made {width}x{height} frames; rung {rung.Name} is {rung.Width}x{rung.Height}.");
            }
            await onSegment(segment with { Rendition = rung.Name });
            count++;
        }
        return count;
    }

    private int _ended;

    /// <summary>Used or dropped.</summary>
    public bool Ended => Volatile.Read(ref _ended) == 1;

    /// <summary>Stops FFmpeg if it still runs (it is not waited for) and removes the files once it has exited.</summary>
    internal void End()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 1)
        {
            return;
        }
        _stop.Cancel();
        _ = _run.ContinueWith(_ =>
        {
            Scratch.DeleteQuietly(_directory);
            _stop.Dispose();
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private async Task RunAsync(Func<Func<ClosedSegment, Task>, CancellationToken, Task> encode)
    {
        try
        {
            await encode(segment => _closed.Writer.WriteAsync(segment).AsTask(), _stop.Token);
            _closed.Writer.TryComplete();
        }
        catch (Exception error)
        {
            _closed.Writer.TryComplete(error);
        }
    }
}
