using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Streamio.Media.Processes;

namespace Streamio.Media;

/// <summary>
/// Encodes with FFmpeg: one run per chunk (every rung, its storyboard tiles and maybe the poster, from one decode), one
/// run for the audio; whole-file poster and storyboard runs for repairs; sprites composed from tiles. Segments are
/// reported while FFmpeg runs, as soon as its HLS muxer closes them.
/// </summary>
public sealed partial class FfmpegEncoder(FfmpegRunner ffmpeg, IOptions<FfmpegOptions> options, ILogger<FfmpegEncoder> logger) : IMediaEncoder
{
    /// <summary>How often a run's playlists are checked for closed segments: often while a viewer waits on the run.</summary>
    private static readonly TimeSpan UrgentPollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Background runs are checked less often: each check wakes a thread, which costs more than the check on a busy
    /// node, and a later segment published 0.2 s later delays nobody.
    /// </summary>
    private static readonly TimeSpan BackgroundPollInterval = TimeSpan.FromMilliseconds(250);
    private readonly FfmpegOptions _options = options.Value;

    public async Task<ChunkEncodeResult> EncodeChunkAsync(ChunkEncodeJob job, Func<ClosedSegment, Task> onSegment, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        var arguments = FfmpegArguments.Chunk(job, _options, progress is not null);
        var watchers = job.Outputs
            .Select(rung => PrepareRendition(job.WorkDirectory, rung.Name, FfmpegArguments.ChunkPlaylistPath(job.WorkDirectory, rung.Name, job.FirstSegmentIndex), job.FirstSegmentIndex, onSegment))
            .ToList();
        PrepareImages(job);
        var reporter = new ProgressReporter(progress, job.DurationSeconds);
        LogChunk(logger, job.StartSeconds, job.DurationSeconds, job.FirstSegmentIndex, string.Join(',', job.Outputs.Select(o => o.Name)));
        reporter.Start();
        await RunWatchedAsync("chunk", arguments, _options.TaskTimeoutFor(job.DurationSeconds), watchers, reporter, onStderrLine: null, cancellationToken, job.Urgent).ConfigureAwait(false);
        var result = CollectImages(job);
        reporter.Complete();
        return result;
    }

    public async Task EncodeAudioAsync(AudioEncodeJob job, Func<ClosedSegment, Task> onSegment, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        var arguments = FfmpegArguments.Audio(job, _options, progress is not null);
        var watcher = PrepareRendition(job.WorkDirectory, FfmpegArguments.AudioRendition, FfmpegArguments.AudioPlaylistPath(job.WorkDirectory), 0, onSegment);
        var reporter = new ProgressReporter(progress, job.DurationSeconds);

        // Without a known duration, learn it from FFmpeg's input header for progress; the timeout assumes the cap.
        Action<string>? learnDuration = progress is not null && job.DurationSeconds is null
            ? line =>
            {
                if (FfmpegStderr.TryParseDuration(line, out var seconds))
                {
                    reporter.LearnDuration(seconds);
                }
            }
            : null;
        var timeout = _options.TaskTimeoutFor(job.DurationSeconds ?? _options.MaxDurationSeconds);
        reporter.Start();
        // Audio segment 0 gates playable as much as the fast start's video: urgent until it is out, then background work.
        // Low all along, it waited for the chunks and held playable back by half a second; urgent all along, it slowed
        // the fast start beside it.
        await RunWatchedAsync("audio", arguments, timeout, [watcher], reporter, learnDuration, cancellationToken,
            urgent: true, lowerAfterFirstSegment: _options.LowPriority).ConfigureAwait(false);
        reporter.Complete();
    }

    public async Task CapturePosterAsync(MediaInput input, double atSeconds, int height, string outputPath, CancellationToken cancellationToken)
    {
        if (height <= 0 || atSeconds < 0)
        {
            throw new ArgumentException($"Invalid poster request: at {atSeconds}s, height {height}.");
        }

        PrepareOutputFile(outputPath);
        await ffmpeg.RunFfmpegAsync(FfmpegArguments.Poster(input, atSeconds, height, outputPath, _options), _options.TaskTimeoutFloor, null, cancellationToken, task: new FfmpegTask("poster")).ConfigureAwait(false);
        EnsureWritten(outputPath, $"no frame at {atSeconds}s for the poster");
    }

    public Task CheckLogoAsync(string pngPath, CancellationToken cancellationToken) =>
        ffmpeg.RunFfmpegAsync(FfmpegArguments.CheckLogo(pngPath), _options.TaskTimeoutFloor, null, cancellationToken);

    public async Task<StoryboardResult> BuildStoryboardAsync(MediaInput input, double durationSeconds, StoryboardSpec spec, string spritePath, CancellationToken cancellationToken)
    {
        if (spec.IntervalSeconds <= 0 || spec.TileWidth <= 0 || spec.TileHeight <= 0 || spec.Columns <= 0 || durationSeconds <= 0)
        {
            throw new ArgumentException($"Invalid storyboard request: {spec}, duration {durationSeconds}s.");
        }

        // fps=1/interval emits a tile at 0, interval, 2*interval... before the end.
        var tiles = FfmpegArguments.SegmentCount(durationSeconds, spec.IntervalSeconds);
        var columns = Math.Min(spec.Columns, tiles);
        var rows = (tiles + columns - 1) / columns;
        // 4:2:0 JPEG has even dimensions: FFmpeg's pad would round odd tiles down anyway, so say so in the layout.
        var layout = spec with { Columns = columns, TileWidth = Math.Max(2, spec.TileWidth & ~1), TileHeight = Math.Max(2, spec.TileHeight & ~1) };
        PrepareOutputFile(spritePath);
        await ffmpeg.RunFfmpegAsync(FfmpegArguments.Storyboard(input, layout, rows, spritePath, _options), _options.TaskTimeoutFor(durationSeconds), null, cancellationToken, task: new FfmpegTask("storyboard")).ConfigureAwait(false);
        EnsureWritten(spritePath, "no storyboard sprite");
        return new StoryboardResult(spritePath, tiles, columns, rows, layout.TileWidth, layout.TileHeight);
    }

    public async Task<StoryboardResult> ComposeStoryboardAsync(IReadOnlyList<string> tilePathsInIndexOrder, int columns, string spritePath, CancellationToken cancellationToken)
    {
        if (tilePathsInIndexOrder.Count == 0 || columns <= 0)
        {
            throw new ArgumentException($"Invalid storyboard request: {tilePathsInIndexOrder.Count} tiles, {columns} columns.");
        }

        // The tile filter needs one size throughout; a JPEG says its size in its first few hundred bytes.
        var (width, height) = JpegHeader.ReadSize(tilePathsInIndexOrder[0]);
        foreach (var tile in tilePathsInIndexOrder.Skip(1))
        {
            if (JpegHeader.ReadSize(tile) != (width, height))
            {
                throw new ArgumentException($"Tile {tile} is not {width}x{height} like the first tile.", nameof(tilePathsInIndexOrder));
            }
        }

        var used = Math.Min(columns, tilePathsInIndexOrder.Count);
        var rows = (tilePathsInIndexOrder.Count + used - 1) / used;
        PrepareOutputFile(spritePath);
        // An image sequence is numbered files in one directory: copies of the (small) tiles, named by position.
        var staging = Path.GetFullPath(spritePath) + ".tiles";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        Directory.CreateDirectory(staging);
        try
        {
            for (var i = 0; i < tilePathsInIndexOrder.Count; i++)
            {
                File.Copy(tilePathsInIndexOrder[i], Path.Combine(staging, $"{i.ToString(CultureInfo.InvariantCulture)}.jpg"));
            }

            await ffmpeg.RunFfmpegAsync(FfmpegArguments.ComposeStoryboard(staging, used, rows, spritePath, _options), _options.TaskTimeoutFloor, null, cancellationToken, task: new FfmpegTask("sprite")).ConfigureAwait(false);
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }

        EnsureWritten(spritePath, "no storyboard sprite");
        return new StoryboardResult(spritePath, tilePathsInIndexOrder.Count, used, rows, width, height);
    }

    /// <summary>Removes images an earlier attempt of the chunk left, so only this run's can be reported.</summary>
    private static void PrepareImages(ChunkEncodeJob job)
    {
        if (job.Images is null)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetFullPath(job.WorkDirectory));
        var (first, count) = FfmpegArguments.ChunkTileIndexes(job);
        for (var k = first; k < first + count; k++)
        {
            File.Delete(FfmpegArguments.TilePath(job.WorkDirectory, k));
        }

        File.Delete(FfmpegArguments.ChunkPosterPath(job.WorkDirectory));
    }

    /// <summary>
    /// The chunk's tiles in index order. FFmpeg names a frame by the last tile it answers; a frame that answers several
    /// (a gap in a variable frame rate) is copied to the earlier ones. A tile with no later frame at all is past the end.
    /// </summary>
    private static ChunkEncodeResult CollectImages(ChunkEncodeJob job)
    {
        if (job.Images is null)
        {
            return new ChunkEncodeResult([], null);
        }

        var (first, count) = FfmpegArguments.ChunkTileIndexes(job);
        var tiles = new List<StoryboardTile>(count);
        string? next = null;
        for (var k = first + count - 1; k >= first; k--)
        {
            var path = FfmpegArguments.TilePath(job.WorkDirectory, k);
            if (File.Exists(path))
            {
                next = path;
            }
            else if (next is not null)
            {
                File.Copy(next, path);
            }
            else
            {
                continue;
            }

            tiles.Add(new StoryboardTile(k, path));
        }

        tiles.Reverse();
        var poster = FfmpegArguments.ChunkPosterPath(job.WorkDirectory);
        return new ChunkEncodeResult(tiles, FfmpegArguments.ChunkHoldsPoster(job) && File.Exists(poster) ? poster : null);
    }

    private static HlsSegmentWatcher PrepareRendition(string workDirectory, string rendition, string playlistPath, int firstIndex, Func<ClosedSegment, Task> onSegment)
    {
        var directory = Path.Combine(Path.GetFullPath(workDirectory), rendition);
        Directory.CreateDirectory(directory);
        // A playlist left by an earlier attempt would announce segments this run is about to rewrite.
        File.Delete(playlistPath);
        File.Delete(playlistPath + ".tmp");
        return new HlsSegmentWatcher(rendition, playlistPath, directory, firstIndex, onSegment);
    }

    private async Task RunWatchedAsync(
        string task,
        IReadOnlyList<string> arguments,
        TimeSpan timeout,
        IReadOnlyList<HlsSegmentWatcher> watchers,
        ProgressReporter reporter,
        Action<string>? onStderrLine,
        CancellationToken cancellationToken,
        bool urgent = false,
        bool lowerAfterFirstSegment = false)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // The media encoded is what the finished playlists list (the longest rendition), read once FFmpeg has exited.
        var encoded = new FfmpegTask(task, () => watchers.Max(watcher => watcher.ListedSeconds()));
        var pid = 0;
        var run = ffmpeg.RunFfmpegAsync(arguments, timeout, reporter.Enabled ? reporter.OnFfmpegProgress : null, stop.Token, onStderrLine, encoded,
            urgent: urgent, onStarted: started => Volatile.Write(ref pid, started));
        // Urgent until the run is lowered (after its first segments, when asked), or for the whole run.
        var urgentNow = urgent;
        try
        {
            // Segments closed while a cancelled FFmpeg winds down are not reported: the caller has moved on.
            while (!run.IsCompleted && !cancellationToken.IsCancellationRequested)
            {
                foreach (var watcher in watchers)
                {
                    await watcher.PollAsync(cancellationToken).ConfigureAwait(false);
                }

                if (urgentNow && lowerAfterFirstSegment && watchers.All(watcher => watcher.Reported > 0) && Volatile.Read(ref pid) is > 0 and var running)
                {
                    urgentNow = false;
                    if (!IdleScheduling.TryLowerRunning(running, out var error))
                    {
                        LogNotLowered(logger, task, running, error!);
                    }
                }

                await Task.WhenAny(run, Task.Delay(urgentNow ? UrgentPollInterval : BackgroundPollInterval, CancellationToken.None)).ConfigureAwait(false);
            }
        }
        catch when (!run.IsCompleted)
        {
            // onSegment failed: stop FFmpeg before surfacing the callback's error.
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAny(run).ConfigureAwait(false);
            throw;
        }

        await run.ConfigureAwait(false);
        foreach (var watcher in watchers)
        {
            await watcher.PollAsync(cancellationToken).ConfigureAwait(false);
            if (watcher.Reported == 0 || !watcher.Ended)
            {
                throw new MediaToolException($"ffmpeg exited without finishing rendition {watcher.Rendition} ({watcher.Reported} segments).", string.Empty);
            }
        }
    }

    private static void PrepareOutputFile(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.Delete(full);
    }

    private static void EnsureWritten(string path, string what)
    {
        var file = new FileInfo(path);
        if (!file.Exists || file.Length == 0)
        {
            throw new MediaToolException($"ffmpeg succeeded but wrote {what}.", string.Empty);
        }
    }

    /// <summary>Turns FFmpeg's out_time (counted from the first output frame) into monotonic 0..1 progress.</summary>
    private sealed class ProgressReporter(IProgress<double>? progress, double? durationSeconds)
    {
        // Written by the stderr reader, read by the stdout reader: a plain double, 0 while unknown.
        private double _duration = durationSeconds ?? 0;
        private double _last;

        public bool Enabled => progress is not null;

        public void LearnDuration(double seconds) => Interlocked.CompareExchange(ref _duration, seconds, 0);

        public void Start() => progress?.Report(0);

        public void OnFfmpegProgress(FfmpegProgress report)
        {
            var duration = Volatile.Read(ref _duration);
            if (progress is null || duration <= 0)
            {
                return;
            }

            var fraction = Math.Clamp(report.OutTime.TotalSeconds / duration, 0, 1);
            if (fraction > _last)
            {
                _last = fraction;
                progress.Report(fraction);
            }
        }

        public void Complete()
        {
            if (_last < 1)
            {
                _last = 1;
                progress?.Report(1);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Encoding chunk [{Start}s +{Duration}s) from segment {First} into {Rungs}")]
    private static partial void LogChunk(ILogger logger, double start, double duration, int first, string rungs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ffmpeg {Task} [{Pid}] could not be lowered in priority after its first segment: {Reason}")]
    private static partial void LogNotLowered(ILogger logger, string task, int pid, string reason);
}
