using Microsoft.Extensions.Options;
using Streamio.Abstractions.Uploads;
using Streamio.Abstractions.Videos;
using Streamio.Media;
using Streamio.Storage;

namespace Streamio.Host.Uploads.Progressive;

/// <summary>What an upload asked of its encoding when its video was created.</summary>
public sealed record UploadChoices(string? Title, bool WithLogo, bool Forensic);

/// <summary>
/// Encoding while uploading (issue 14), for the endpoints that receive uploads: the video is created as
/// <see cref="VideoStatus.Uploading"/> with this node's growing source once the head reads from the front; the end of
/// the upload hands over to the stored source, and an upload that breaks off or is refused removes the video.
/// </summary>
public sealed partial class ProgressiveIntake(
    GrowingSources sources, IGrainFactory grains, IObjectStorage storage, IOptions<ProgressiveOptions> options, TimeProvider time, ILogger<ProgressiveIntake> logger)
{
    public int MaxHeadBytes => options.Value.MaxHeadBytes;

    /// <summary>Why a source read from the front was not encoded early: off by configuration, or forensic; null when it may be.</summary>
    public string? Refusal(UploadChoices choices) =>
        !options.Value.Enabled ? "encoding while uploading is off (Streamio:Progressive:Enabled)"
        : choices.Forensic ? "forensic videos are encoded after the upload (each A/B choice spans whole segments of the final timeline)"
        : null;

    /// <summary>Why the layout keeps the video on today's path; null when it reads from the front.</summary>
    public static string? LayoutRefusal(SourceLayout? layout) => layout?.Readability switch
    {
        null or SourceReadability.FromTheFront => null,
        SourceReadability.IndexAtTheEnd => "the MP4's index (moov) is at the end of the file",
        _ => "the container cannot be decoded from its first bytes",
    };

    /// <summary>Whether this node holds the growing copy of <paramref name="videoId"/>'s upload (its video is uploading).</summary>
    public bool IsUploading(string videoId) => sources.Find(videoId) is not null;

    /// <summary>Creates the video as uploading, reading this node's growing source; the caller appends the bytes to it.</summary>
    public async Task<GrowingSource> StartAsync(string projectId, string videoId, string sourceKey, UploadChoices choices, CancellationToken cancellationToken)
    {
        var growing = sources.Start(videoId);
        try
        {
            var video = new NewVideo(projectId, choices.Title, sourceKey, 0, WithLogo: choices.WithLogo,
                ProgressiveSource: sources.UrlFor(videoId, time.GetUtcNow()));
            await grains.GetGrain<IVideoGrain>(videoId).CreateAsync(video).WaitAsync(cancellationToken);
        }
        catch
        {
            sources.Remove(videoId);
            throw;
        }
        LogStarted(videoId);
        return growing;
    }

    /// <summary>
    /// The last byte is stored: readers see the end, and the video probes the stored source. Null: the video was deleted
    /// meanwhile. <paramref name="growing"/> is null when another node held the upload's growing copy.
    /// </summary>
    public async Task<VideoView?> CompleteAsync(string videoId, GrowingSource? growing, long bytes, string? title)
    {
        growing?.Complete();
        try
        {
            var video = await grains.GetGrain<IVideoGrain>(videoId).OnUploadedAsync(bytes, title);
            if (video is not null)
            {
                VideoIntake.Count("upload", bytes);
            }
            return video;
        }
        finally
        {
            sources.Remove(videoId);
        }
    }

    /// <summary>
    /// The upload broke off or was refused: FFmpeg reading it fails, the video (when it is still uploading) and every
    /// object of it are removed. False when there was no uploading video.
    /// </summary>
    public async Task<bool> AbandonAsync(string projectId, string videoId, string reason)
    {
        if (sources.Find(videoId) is { } growing)
        {
            growing.Abandon(reason);
            sources.Remove(videoId);
        }
        if (!await grains.GetGrain<IVideoGrain>(videoId).AbandonAsync(reason))
        {
            return false;
        }
        await VideoObjects.DeleteAllAsync(storage, projectId, videoId, CancellationToken.None);
        return true;
    }

    /// <summary>
    /// The body of a tus PATCH, read through what appends it to the upload's growing copy on this node: from the first
    /// PATCH, which creates the video once the head reads from the front, or from a later one at the copy's length.
    /// </summary>
    /// <param name="choices">What the upload asked of its encoding (from its metadata), read only when a video is to be created.</param>
    public Stream WatchTusPatch(Stream body, TusUploadView upload, Func<Task<UploadChoices>> choices)
    {
        if (sources.Find(upload.VideoId) is { } growing)
        {
            return growing.Length == upload.Offset ? HeadWatchingStream.Appending(body, growing) : body;
        }
        if (upload.Offset > 0)
        {
            return body;
        }
        return new HeadWatchingStream(body, MaxHeadBytes, async (layout, cancellationToken) =>
        {
            var asked = await choices();
            return Refusal(asked) is null
                ? await StartAsync(upload.ProjectId, upload.VideoId, StorageKeys.Source(upload.ProjectId, upload.VideoId), asked, cancellationToken)
                : null;
        });
    }

    /// <summary>
    /// After a PATCH: the growing copy must hold exactly the upload's bytes. A chunk refused (checksum, too long) or cut
    /// short after the copy took it, or a PATCH that reached another node, ends encoding while uploading: the video is
    /// removed and made the ordinary way when the upload completes.
    /// </summary>
    public async Task CheckTusPatchAsync(TusUploadView upload)
    {
        var growing = sources.Find(upload.VideoId);
        if (growing is null ? upload.Offset > 0 && await grains.GetGrain<IVideoGrain>(upload.VideoId).GetAsync() is { Status: VideoStatus.Uploading }
            : growing.Length != upload.Offset)
        {
            await AbandonAsync(upload.ProjectId, upload.VideoId, "the upload's bytes and its growing copy parted (a chunk refused or cut short, or sent to another node)");
        }
    }

    [LoggerMessage(LogLevel.Information, "Video {VideoId}: its source reads from the front; encoding while the upload arrives")]
    private partial void LogStarted(string videoId);
}
