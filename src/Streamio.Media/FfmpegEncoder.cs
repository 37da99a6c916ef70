using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Streamio.Media.Processes;

namespace Streamio.Media;

/// <summary>
/// Encodes with FFmpeg: one run per chunk (every rung from one decode), one run for the audio, and the poster and
/// storyboard. Segments are reported while FFmpeg runs, as soon as its HLS muxer closes them.
/// </summary>
public sealed partial class FfmpegEncoder(FfmpegRunner ffmpeg, IOptions<FfmpegOptions> options, ILogger<FfmpegEncoder> logger) : IMediaEncoder
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private readonly FfmpegOptions _options = options.Value;

    public async Task EncodeChunkAsync(ChunkEncodeJob job, Func<ClosedSegment, Task> onSegment, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        var arguments = FfmpegArguments.Chunk(job, _options);
        var watchers = job.Outputs
            .Select(rung => PrepareRendition(job.WorkDirectory, rung.Name, FfmpegArguments.ChunkPlaylistPath(job.WorkDirectory, rung.Name, job.FirstSegmentIndex), job.FirstSegmentIndex, onSegment))
            .ToList();
        var reporter = new ProgressReporter(progress, job.DurationSeconds);
        LogChunk(logger, job.StartSeconds, job.DurationSeconds, job.FirstSegmentIndex, string.Join(',', job.Outputs.Select(o => o.Name)));
        await RunWatchedAsync(arguments, _options.TaskTimeoutFor(job.DurationSeconds), watchers, reporter, onStderrLine: null, cancellationToken).ConfigureAwait(false);
        reporter.Complete();
    }

    public async Task EncodeAudioAsync(AudioEncodeJob job, Func<ClosedSegment, Task> onSegment, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        var arguments = FfmpegArguments.Audio(job, _options);
        var watcher = PrepareRendition(job.WorkDirectory, FfmpegArguments.AudioRendition, FfmpegArguments.AudioPlaylistPath(job.WorkDirectory), 0, onSegment);
        var reporter = new ProgressReporter(progress, job.DurationSeconds);

        // Without a known duration, learn it from FFmpeg's input header for progress; the timeout assumes the cap.
        Action<string>? learnDuration = job.DurationSeconds is null
            ? line =>
            {
                if (FfmpegStderr.TryParseDuration(line, out var seconds))
                {
                    reporter.LearnDuration(seconds);
                }
            }
            : null;
        var timeout = _options.TaskTimeoutFor(job.DurationSeconds ?? _options.MaxDurationSeconds);
        await RunWatchedAsync(arguments, timeout, [watcher], reporter, learnDuration, cancellationToken).ConfigureAwait(false);
        reporter.Complete();
    }

    public async Task CapturePosterAsync(MediaInput input, double atSeconds, int height, string outputPath, CancellationToken cancellationToken)
    {
        if (height <= 0 || atSeconds < 0)
        {
            throw new ArgumentException($"Invalid poster request: at {atSeconds}s, height {height}.");
        }

        PrepareOutputFile(outputPath);
        await ffmpeg.RunFfmpegAsync(FfmpegArguments.Poster(input, atSeconds, height, outputPath, _options), _options.TaskTimeoutFloor, null, cancellationToken).ConfigureAwait(false);
        EnsureWritten(outputPath, $"no frame at {atSeconds}s for the poster");
    }

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
        await ffmpeg.RunFfmpegAsync(FfmpegArguments.Storyboard(input, layout, rows, spritePath, _options), _options.TaskTimeoutFor(durationSeconds), null, cancellationToken).ConfigureAwait(false);
        EnsureWritten(spritePath, "no storyboard sprite");
        return new StoryboardResult(spritePath, tiles, columns, rows, layout.TileWidth, layout.TileHeight);
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
        IReadOnlyList<string> arguments,
        TimeSpan timeout,
        IReadOnlyList<HlsSegmentWatcher> watchers,
        ProgressReporter reporter,
        Action<string>? onStderrLine,
        CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = ffmpeg.RunFfmpegAsync(arguments, timeout, reporter.OnFfmpegProgress, stop.Token, onStderrLine);
        try
        {
            // Segments closed while a cancelled FFmpeg winds down are not reported: the caller has moved on.
            while (!run.IsCompleted && !cancellationToken.IsCancellationRequested)
            {
                foreach (var watcher in watchers)
                {
                    await watcher.PollAsync(cancellationToken).ConfigureAwait(false);
                }

                await Task.WhenAny(run, Task.Delay(PollInterval, CancellationToken.None)).ConfigureAwait(false);
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

        public void LearnDuration(double seconds) => Interlocked.CompareExchange(ref _duration, seconds, 0);

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
}
