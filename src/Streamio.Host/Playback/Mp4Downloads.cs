using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Streamio.Abstractions.Videos;
using Streamio.Grains.Planning;
using Streamio.Media;
using Streamio.Storage;

namespace Streamio.Host.Playback;

/// <summary>
/// The MP4 download of a ready video: its top rendition and its audio, remuxed (never re-encoded) from the decrypted HLS
/// segments into one MP4 with the index up front (faststart), so it starts playing while it downloads. Made on the first
/// request after the video is ready, then kept in storage beside the segments (and deleted with them). Concurrent first
/// requests on a node share one build; two nodes building at once store the same bytes.
/// </summary>
public sealed class Mp4Downloads(IObjectStorage storage, IGrainFactory grains, FfmpegRunner ffmpeg, IOptions<EncodingOptions> encoding, IOptions<FfmpegOptions> ffmpegOptions)
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _building = new();

    /// <summary>The stored MP4 of a ready video, made first when it does not exist yet.</summary>
    public async Task<Stream> OpenAsync(VideoView video, CancellationToken cancellationToken)
    {
        var key = StorageKeys.Download(video.ProjectId, video.Id);
        if (await storage.OpenReadAsync(key, cancellationToken) is { } stored)
        {
            return stored;
        }
        // The build belongs to no single request: one viewer giving up must not cancel it for the others.
        var build = _building.GetOrAdd(video.Id, _ => new Lazy<Task>(() => BuildAsync(video, key)));
        try
        {
            await build.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            if (build.Value.IsCompleted)
            {
                _building.TryRemove(new KeyValuePair<string, Lazy<Task>>(video.Id, build));
            }
        }
        return await storage.OpenReadAsync(key, cancellationToken) ?? throw new IOException($"The MP4 of '{video.Id}' was made but cannot be read back.");
    }

    /// <summary>A file name for Content-Disposition: the title (or id) without characters file systems refuse, ending in .mp4.</summary>
    public static string FileName(VideoView video)
    {
        var name = video.Title?.Trim() is { Length: > 0 } title ? title : video.Id;
        foreach (var extension in new[] { ".mp4", ".m4v", ".mov", ".mkv", ".webm" })
        {
            if (name.Length > extension.Length && name.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            {
                name = name[..^extension.Length];
                break;
            }
        }
        var invalid = Path.GetInvalidFileNameChars().Concat(['\\', ':', '*', '?', '"', '<', '>', '|']).ToHashSet();
        var clean = new string(name.Select(c => invalid.Contains(c) || char.IsControl(c) ? '_' : c).ToArray()).Trim(' ', '.');
        return (clean.Length == 0 ? video.Id : clean.Length > 120 ? clean[..120] : clean) + ".mp4";
    }

    private async Task BuildAsync(VideoView video, string key)
    {
        var top = video.Renditions.Where(rendition => rendition.IsPlainVideo).MaxBy(rendition => rendition.Height)
            ?? throw new InvalidOperationException($"Video '{video.Id}' has no video rendition.");
        var audio = video.Renditions.FirstOrDefault(rendition => rendition.IsAudio);
        var scratch = Directory.CreateDirectory(Path.Combine(Path.GetFullPath(encoding.Value.WorkPath), "downloads", Guid.NewGuid().ToString("N")));
        try
        {
            var videoTs = await JoinAsync(video, top.Name, Path.Combine(scratch.FullName, "video.ts"));
            var audioTs = audio is null ? null : await JoinAsync(video, audio.Name, Path.Combine(scratch.FullName, "audio.ts"));
            var output = Path.Combine(scratch.FullName, "out.mp4");
            List<string> arguments = ["-hide_banner", "-nostdin", "-loglevel", "error", "-protocol_whitelist", "file", "-f", "mpegts", "-i", videoTs];
            if (audioTs is not null)
            {
                arguments.AddRange(["-f", "mpegts", "-i", audioTs, "-map", "0:v:0", "-map", "1:a:0"]);
            }
            arguments.AddRange(["-c", "copy", "-movflags", "+faststart", "-f", "mp4", "-y", output]);
            var duration = video.Source?.DurationSeconds ?? 0;
            await ffmpeg.RunFfmpegAsync(arguments, ffmpegOptions.Value.TaskTimeoutFor(duration), null, CancellationToken.None);
            await using var file = File.OpenRead(output);
            await storage.PutAsync(key, file, CancellationToken.None);
        }
        finally
        {
            try
            {
                scratch.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Decrypts a rendition's segments, in order, into one MPEG-TS file (timestamps already run on across segments).</summary>
    private async Task<string> JoinAsync(VideoView video, string rendition, string path)
    {
        var variant = grains.GetGrain<IVariantGrain>(VariantKeys.Of(video.Id, rendition));
        var view = await variant.GetAsync() ?? throw new InvalidOperationException($"Rendition '{rendition}' of '{video.Id}' is gone.");
        var secret = await variant.GetKeyAsync() ?? throw new InvalidOperationException($"Rendition '{rendition}' of '{video.Id}' has no key.");
        await using var output = File.Create(path);
        for (var index = 0; index < view.SegmentCount; index++)
        {
            await using var encrypted = await storage.OpenReadAsync(StorageKeys.Segment(video.ProjectId, video.Id, rendition, index), CancellationToken.None)
                ?? throw new InvalidOperationException($"Segment {index} of '{video.Id}/{rendition}' is missing.");
            using var buffer = new MemoryStream();
            await encrypted.CopyToAsync(buffer);
            await output.WriteAsync(SegmentCipher.Decrypt(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), secret, index));
        }
        return path;
    }
}
