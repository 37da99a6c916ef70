using Microsoft.Extensions.Options;
using Streamio.Abstractions.Videos;
using Streamio.Grains.Planning;
using Streamio.Media;
using Streamio.Storage;

namespace Streamio.Host.Playback;

/// <summary>
/// A JPEG of any moment of a video, at any width: the segment holding that moment is read from storage, decrypted in
/// memory with its rendition's key, and FFmpeg decodes one frame of it (the best rendition that has the segment, so it
/// works while the video still encodes). At most two grabs run at once per node: a thumbnail is never worth starving
/// playback or encodes.
/// </summary>
public sealed class FrameGrabber(IObjectStorage storage, IGrainFactory grains, FfmpegRunner ffmpeg, IOptions<EncodingOptions> encoding)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>How long a request waits for a turn before it is told to come back (so a flood cannot queue without end).</summary>
    private static readonly TimeSpan QueueWait = TimeSpan.FromSeconds(15);
    private readonly SemaphoreSlim _running = new(2);

    /// <summary>The frame at <paramref name="seconds"/> scaled to <paramref name="width"/> (null: the rendition's width), or null when no rendition has that moment yet.</summary>
    public async Task<byte[]?> GrabAsync(VideoView video, double seconds, int? width, CancellationToken cancellationToken)
    {
        if (video.SegmentSeconds <= 0)
        {
            return null;
        }
        var index = SegmentTimeline.At(video.FirstSegmentSeconds, video.SegmentSeconds, seconds);
        var start = SegmentTimeline.Start(video.FirstSegmentSeconds, video.SegmentSeconds, index);
        var candidates = video.Renditions.Where(rendition => rendition.IsPlainVideo && rendition.Registered > 0).OrderByDescending(rendition => rendition.Height);
        foreach (var rendition in candidates)
        {
            var variant = grains.GetGrain<IVariantGrain>(VariantKeys.Of(video.Id, rendition.Name));
            if (await variant.GetAsync() is not { } view || !view.Registered.Contains(index) || await variant.GetKeyAsync() is not { } key)
            {
                continue;
            }
            await using var encrypted = await storage.OpenReadAsync(StorageKeys.Segment(video.ProjectId, video.Id, rendition.Name, index), cancellationToken);
            if (encrypted is null)
            {
                continue;
            }
            using var buffer = new MemoryStream();
            await encrypted.CopyToAsync(buffer, cancellationToken);
            var segment = SegmentCipher.Decrypt(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), key, index);
            // Seek inside the segment, a little short of its end (the last one may be shorter than the others).
            var duration = index < view.ContiguousDurations.Count ? view.ContiguousDurations[index] : video.SegmentSeconds;
            var offset = Math.Clamp(seconds - start, 0, Math.Max(0, duration - 0.05));
            return await DecodeAsync(segment, "mpegts", offset, width ?? rendition.Width, cancellationToken);
        }
        return null;
    }

    /// <summary>A stored JPEG (the poster) scaled to <paramref name="width"/>.</summary>
    public async Task<byte[]?> ScaleAsync(string storageKey, int width, CancellationToken cancellationToken)
    {
        await using var stored = await storage.OpenReadAsync(storageKey, cancellationToken);
        if (stored is null)
        {
            return null;
        }
        using var buffer = new MemoryStream();
        await stored.CopyToAsync(buffer, cancellationToken);
        return await DecodeAsync(buffer.ToArray(), "image2", 0, width, cancellationToken);
    }

    private async Task<byte[]> DecodeAsync(byte[] input, string format, double offset, int width, CancellationToken cancellationToken)
    {
        if (!await _running.WaitAsync(QueueWait, cancellationToken))
        {
            throw new FramesBusyException();
        }
        var scratch = Directory.CreateDirectory(Path.Combine(Path.GetFullPath(encoding.Value.WorkPath), "frames", Guid.NewGuid().ToString("N")));
        try
        {
            var source = Path.Combine(scratch.FullName, format == "mpegts" ? "in.ts" : "in.jpg");
            var output = Path.Combine(scratch.FullName, "out.jpg");
            await File.WriteAllBytesAsync(source, input, cancellationToken);
            string[] arguments =
            [
                "-hide_banner", "-nostdin", "-loglevel", "error", "-protocol_whitelist", "file", "-f", format, "-i", source,
                "-ss", offset.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture), "-frames:v", "1",
                "-vf", $"scale={width}:-2", "-q:v", "3", "-f", "image2", "-y", output,
            ];
            // Urgent: one frame, and an HTTP request waits for it.
            await ffmpeg.RunFfmpegAsync(arguments, Timeout, null, cancellationToken, urgent: true);
            return File.Exists(output) ? await File.ReadAllBytesAsync(output, cancellationToken) : throw new MediaToolException("ffmpeg wrote no frame.", "");
        }
        finally
        {
            _running.Release();
            try
            {
                scratch.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

/// <summary>Every frame slot stayed taken for the whole wait: the caller should try again shortly.</summary>
public sealed class FramesBusyException() : Exception("Too many frames are being made on this node right now.");
