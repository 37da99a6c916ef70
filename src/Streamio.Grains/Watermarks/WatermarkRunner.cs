using System.Text;
using Microsoft.Extensions.Options;
using Streamio.Abstractions.Videos;
using Streamio.Abstractions.Watermarks;
using Streamio.Grains.Planning;
using Streamio.Media;
using Streamio.Storage;

namespace Streamio.Grains.Watermarks;

/// <summary>
/// Runs one attempt of a watermark session on this silo. The source is the video's stored encoded rendition, not its
/// upload (which may be gone): its segments are decrypted in memory and streamed into FFmpeg through a FIFO, following
/// the rendition as it grows while the video is still encoding. FFmpeg draws the text and writes HLS segments to
/// scratch; each is encrypted with the session's key, stored and registered the moment FFmpeg closes it.
/// </summary>
public sealed class WatermarkRunner(
    IGrainFactory grains,
    IObjectStorage storage,
    FfmpegRunner ffmpeg,
    IOptions<WatermarkOptions> options,
    IOptions<EncodingOptions> encoding,
    IOptions<FfmpegOptions> ffmpegOptions,
    TimeProvider time)
{
    private static readonly TimeSpan SourcePoll = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan OutputPoll = TimeSpan.FromMilliseconds(100);

    public async Task RunAsync(IWatermarkSessionGrain session, WatermarkRun run, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Nothing made after the session's end could ever be played.
        var left = run.ExpiresAt - time.GetUtcNow();
        stop.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        var work = Path.GetFullPath(Path.Combine(ScratchPath, $"{run.SessionId}-{run.Generation}-{run.Attempt}"));
        try
        {
            var (video, rendition) = await WaitForSourceAsync(run.VideoId, stop.Token);
            if (!await session.OnRenditionAsync(run.Attempt, rendition))
            {
                return;
            }
            Directory.CreateDirectory(WatermarkArguments.SegmentDirectory(work));
            var job = Job(run, rendition, work);
            await File.WriteAllTextAsync(job.TextFile, run.Watermark.Text, new UTF8Encoding(false), stop.Token);
            FifoFile.Create(job.InputPath);
            await EncodeAsync(session, run, video, rendition, job, stop);
        }
        catch (SessionStoppedException)
        {
            // Expired or superseded: the session no longer wants this run.
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The session's life ended mid-run.
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            await session.FailAsync(run.Attempt, error.Message);
        }
        finally
        {
            Work.Scratch.DeleteQuietly(work);
        }
    }

    private string ScratchPath => options.Value.ScratchPath is { Length: > 0 } path ? path : Path.Combine(encoding.Value.WorkPath, "watermarks");

    private WatermarkEncodeJob Job(WatermarkRun run, WatermarkRendition rendition, string work)
    {
        if (!File.Exists(options.Value.FontFile))
        {
            throw new InvalidOperationException(
                $"The watermark font '{options.Value.FontFile}' does not exist: install fonts-dejavu-core (scripts/deps.sh does) or set Streamio:Watermark:FontFile.");
        }
        WatermarkText.TryParsePosition(run.Watermark.Position, out var position);
        return new WatermarkEncodeJob(Path.Combine(work, "source.ts"), Path.Combine(work, "text.txt"), options.Value.FontFile, position,
            run.Watermark.Opacity, run.Watermark.FontSize, rendition.BitrateKbps, rendition.Height, rendition.SegmentSeconds, work);
    }

    private async Task EncodeAsync(IWatermarkSessionGrain session, WatermarkRun run, VideoView video, WatermarkRendition rendition, WatermarkEncodeJob job, CancellationTokenSource stop)
    {
        // The first thing that went wrong beside FFmpeg (reading the source, storing a segment) stops it and is reported.
        Exception? sideError = null;
        async Task Guard(Func<Task> side)
        {
            try
            {
                await side();
            }
            catch (Exception error) when (!(error is OperationCanceledException && stop.IsCancellationRequested))
            {
                Interlocked.CompareExchange(ref sideError, error, null);
                await stop.CancelAsync();
            }
        }

        var writer = FifoFile.OpenWriterAsync(job.InputPath);
        var feed = Task.Run(() => Guard(() => FeedAsync(writer, run, rendition.SourceRendition, stop.Token)));
        var watcher = new HlsSegmentWatcher("video", WatermarkArguments.PlaylistPath(job.WorkDirectory), WatermarkArguments.SegmentDirectory(job.WorkDirectory), 0,
            segment => PublishAsync(session, run, segment, stop.Token));
        using var encoded = new CancellationTokenSource();
        var watch = Task.Run(() => Guard(async () =>
        {
            while (!encoded.IsCancellationRequested)
            {
                await watcher.PollAsync(stop.Token);
                await Task.Delay(OutputPoll, encoded.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }));
        var timeout = ffmpegOptions.Value.TaskTimeoutFor(video.Source?.DurationSeconds ?? 0);
        try
        {
            // Urgent: a viewer is playing this session as it is encoded; VOD chunks on the silo wait for it.
            await ffmpeg.RunFfmpegAsync(WatermarkArguments.Encode(job, options.Value.Preset), timeout, null, stop.Token, urgent: true);
        }
        catch (Exception) when (sideError is not null)
        {
            // FFmpeg was stopped because of it: sideError is thrown below.
        }
        finally
        {
            await encoded.CancelAsync();
            await FifoFile.ReleaseWriterAsync(job.InputPath, writer);
            await Task.WhenAll(feed, watch);
        }
        if (sideError is not null)
        {
            throw sideError;
        }
        await watcher.PollAsync(stop.Token);
        await session.CompleteAsync(run.Attempt, watcher.Reported);
    }

    /// <summary>Waits for the video's ladder (an ingested video may not be probed yet) and picks the rendition to watermark.</summary>
    private async Task<(VideoView Video, WatermarkRendition Rendition)> WaitForSourceAsync(string videoId, CancellationToken cancellationToken)
    {
        var video = grains.GetGrain<IVideoGrain>(videoId);
        while (true)
        {
            var view = await video.GetAsync() ?? throw new InvalidOperationException($"Video {videoId} was deleted.");
            if (view.Status == VideoStatus.Failed)
            {
                throw new InvalidOperationException($"Video {videoId} failed: {view.Error}");
            }
            if (Pick(view.Renditions, options.Value.MaxHeight) is { } picked)
            {
                var audio = view.Renditions.FirstOrDefault(rendition => rendition.IsAudio);
                return (view, new WatermarkRendition(picked.Name, picked.Width, picked.Height, picked.BitrateKbps, view.Source?.FrameRate ?? 0, audio?.Name,
                    audio?.BitrateKbps ?? 0, options.Value.SegmentSeconds));
            }
            await Task.Delay(SourcePoll, cancellationToken);
        }
    }

    /// <summary>The tallest video rendition at or under <paramref name="maxHeight"/>, else the lowest; null before the ladder is planned.</summary>
    public static RenditionView? Pick(IReadOnlyList<RenditionView> renditions, int maxHeight)
    {
        var videos = renditions.Where(rendition => !rendition.IsAudio).OrderBy(rendition => rendition.Height).ToList();
        return videos.LastOrDefault(rendition => rendition.Height <= maxHeight) ?? videos.FirstOrDefault();
    }

    /// <summary>Streams the rendition's segments, decrypted, in order, waiting for each one still being encoded.</summary>
    private async Task FeedAsync(Task<FileStream> writer, WatermarkRun run, string renditionName, CancellationToken cancellationToken)
    {
        var variant = grains.GetGrain<IVariantGrain>(VariantKeys.Of(run.VideoId, renditionName));
        var key = await variant.GetKeyAsync() ?? throw new InvalidOperationException($"Video {run.VideoId} has no rendition {renditionName} any more.");
        await using var pipe = await writer.WaitAsync(cancellationToken);
        var view = await variant.GetAsync();
        for (var index = 0; ; index++)
        {
            while (view is not null && index >= view.ContiguousDurations.Count && !(view.Complete && index >= view.SegmentCount))
            {
                await Task.Delay(SourcePoll, cancellationToken);
                view = await variant.GetAsync();
            }
            if (view is null)
            {
                throw new InvalidOperationException($"Video {run.VideoId} was deleted.");
            }
            if (index >= view.ContiguousDurations.Count)
            {
                return;
            }
            var segmentKey = StorageKeys.Segment(view.ProjectId, run.VideoId, renditionName, index);
            await using var stored = await storage.OpenReadAsync(segmentKey, cancellationToken)
                ?? throw new InvalidOperationException($"Segment {index} of {run.VideoId}/{renditionName} is missing from storage.");
            using var buffer = new MemoryStream();
            await stored.CopyToAsync(buffer, cancellationToken);
            var plaintext = SegmentCipher.Decrypt(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), key, index);
            try
            {
                await pipe.WriteAsync(plaintext, cancellationToken);
            }
            catch (IOException)
            {
                // FFmpeg stopped reading (it ended or failed): what it says is the outcome.
                return;
            }
        }
    }

    private async Task PublishAsync(IWatermarkSessionGrain session, WatermarkRun run, ClosedSegment segment, CancellationToken cancellationToken)
    {
        var plaintext = await File.ReadAllBytesAsync(segment.LocalPath, cancellationToken);
        using (var content = new MemoryStream(SegmentCipher.Encrypt(plaintext, run.Key, segment.Index), writable: false))
        {
            await storage.PutAsync(StorageKeys.WatermarkSegment(run.ProjectId, run.VideoId, run.SessionId, run.Generation, segment.Index), content, cancellationToken);
        }
        File.Delete(segment.LocalPath);
        if (!await session.RegisterSegmentAsync(run.Attempt, segment.Index, segment.DurationSeconds))
        {
            throw new SessionStoppedException();
        }
    }

    private sealed class SessionStoppedException : Exception;
}
