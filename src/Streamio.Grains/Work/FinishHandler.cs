using System.Text;
using Microsoft.Extensions.Options;
using Streamio.Backbone;
using Streamio.Grains.Planning;
using Streamio.Grains.Videos;
using Streamio.Media;
using Streamio.Storage;

namespace Streamio.Grains.Work;

/// <summary>
/// Finishes a video: poster, storyboard sprite + WebVTT, then the source is deleted (unless kept) and the video is ready.
/// For a ready video whose images went missing, it rebuilds them from the source or, once that is gone, from the
/// highest rendition decrypted to scratch space.
/// </summary>
public sealed class FinishHandler(
    VideoGrain videos,
    VariantGrain variants,
    GrainRuntime runtime,
    IObjectStorage storage,
    IMediaEncoder encoder,
    IOptions<EncodingOptions> options) : IWorkHandler
{
    private const int TileWidth = 160;
    private const int Columns = 10;
    private const int MaxTiles = 100;

    public string Kind => WorkKinds.Finish;

    public async Task HandleAsync(WorkLease lease, CancellationToken cancellationToken)
    {
        var videoId = WorkKinds.Read<VideoWork>(lease).VideoId;
        if (await runtime.ReadAsync<VideoState>(VideoGrain.IdOf(videoId), cancellationToken) is not
            { Status: VideoStatus.Encoding or VideoStatus.Ready, Source: { } source } video)
        {
            return;
        }
        var scratch = Path.GetFullPath(Path.Combine(options.Value.WorkPath, videoId, $"finish-{lease.WorkId}-{lease.Attempt}"));
        Directory.CreateDirectory(scratch);
        try
        {
            var input = await InputForImagesAsync(video, scratch, cancellationToken);
            var posterPath = Path.Combine(scratch, "poster.jpg");
            await encoder.CapturePosterAsync(input, Math.Min(10, source.DurationSeconds * 0.1), Math.Min(720, source.Height), posterPath, cancellationToken);
            await PutFileAsync(StorageKeys.Poster(video.ProjectId, videoId), posterPath, cancellationToken);

            var interval = Math.Max(2, Math.Ceiling(source.DurationSeconds / MaxTiles));
            var tileHeight = Math.Max(2, (int)Math.Round(TileWidth * (double)source.Height / source.Width / 2) * 2);
            var spritePath = Path.Combine(scratch, "storyboard.jpg");
            var sprite = await encoder.BuildStoryboardAsync(input, source.DurationSeconds, new StoryboardSpec(interval, TileWidth, tileHeight, Columns), spritePath, cancellationToken);
            var storyboard = new StoryboardInfo(interval, sprite.TileCount, sprite.Columns, sprite.TileWidth, sprite.TileHeight);
            await PutFileAsync(StorageKeys.StoryboardSprite(video.ProjectId, videoId), spritePath, cancellationToken);
            var vtt = StoryboardVtt.Render(storyboard, source.DurationSeconds, "storyboard.jpg");
            using (var vttContent = new MemoryStream(Encoding.UTF8.GetBytes(vtt)))
            {
                await storage.PutAsync(StorageKeys.StoryboardVtt(video.ProjectId, videoId), vttContent, cancellationToken);
            }

            var deleteSource = !options.Value.KeepSource && !video.SourceIsExternal && video.Status == VideoStatus.Encoding;
            if (deleteSource)
            {
                await storage.DeleteAsync(video.SourceKey, cancellationToken);
            }
            await videos.OnFinishedAsync(videoId, storyboard, deleteSource, lease, cancellationToken);
        }
        finally
        {
            EncodeChunkHandler.DeleteQuietly(scratch);
        }
    }

    public Task OnExhaustedAsync(WorkLease lease, string error, CancellationToken cancellationToken) =>
        videos.FailAsync(WorkKinds.Read<VideoWork>(lease).VideoId, $"Finishing failed after {lease.MaxAttempts} attempts: {error}", lease, cancellationToken);

    private async Task<MediaInput> InputForImagesAsync(VideoState video, string scratch, CancellationToken cancellationToken)
    {
        if (!video.SourceDeleted && await storage.ExistsAsync(video.SourceKey, cancellationToken))
        {
            var location = await storage.LocateForReadingAsync(video.SourceKey, TimeSpan.FromHours(1), cancellationToken);
            return new MediaInput(location.Location, location.Protocols);
        }
        var highest = (await variants.ReadAllAsync(video.Id, cancellationToken)).Where(variant => !variant.IsAudio).MaxBy(variant => variant.Height)
            ?? throw new InvalidOperationException($"Video {video.Id} has neither a source nor a video rendition to make images from.");
        var path = Path.Combine(scratch, "rendition.ts");
        await RenditionReader.DecryptToFileAsync(storage, highest, path, cancellationToken);
        return MediaInput.OwnRendition(path);
    }

    private async Task PutFileAsync(string key, string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        await storage.PutAsync(key, file, cancellationToken);
    }
}
