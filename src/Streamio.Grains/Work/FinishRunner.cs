using System.Text;
using Microsoft.Extensions.Options;
using Streamio.Abstractions.Videos;
using Streamio.Abstractions.Work;
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
public sealed class FinishRunner(IGrainFactory grains, IObjectStorage storage, IMediaEncoder encoder, IOptions<EncodingOptions> options) : IWorkRunner
{
    private const int TileWidth = 160;
    private const int Columns = 10;
    private const int MaxTiles = 100;

    public WorkKind Kind => WorkKind.Finish;

    public async Task RunAsync(WorkAssignment work, CancellationToken cancellationToken)
    {
        var source = work.Source ?? throw new InvalidOperationException($"Video {work.VideoId} was never probed.");
        var scratch = Scratch.For(options.Value.WorkPath, work, "finish");
        Directory.CreateDirectory(scratch);
        try
        {
            var input = await InputForImagesAsync(work, scratch, cancellationToken);
            var posterPath = Path.Combine(scratch, "poster.jpg");
            await encoder.CapturePosterAsync(input, Math.Min(10, source.DurationSeconds * 0.1), Math.Min(720, source.Height), posterPath, cancellationToken);
            await PutFileAsync(StorageKeys.Poster(work.ProjectId, work.VideoId), posterPath, cancellationToken);

            var interval = Math.Max(2, Math.Ceiling(source.DurationSeconds / MaxTiles));
            var tileHeight = Math.Max(2, (int)Math.Round(TileWidth * (double)source.Height / source.Width / 2) * 2);
            var spritePath = Path.Combine(scratch, "storyboard.jpg");
            var sprite = await encoder.BuildStoryboardAsync(input, source.DurationSeconds, new StoryboardSpec(interval, TileWidth, tileHeight, Columns), spritePath, cancellationToken);
            var storyboard = new StoryboardInfo(interval, sprite.TileCount, sprite.Columns, sprite.TileWidth, sprite.TileHeight);
            await PutFileAsync(StorageKeys.StoryboardSprite(work.ProjectId, work.VideoId), spritePath, cancellationToken);
            var vtt = StoryboardVtt.Render(storyboard, source.DurationSeconds, "storyboard.jpg");
            using (var vttContent = new MemoryStream(Encoding.UTF8.GetBytes(vtt)))
            {
                await storage.PutAsync(StorageKeys.StoryboardVtt(work.ProjectId, work.VideoId), vttContent, cancellationToken);
            }

            var deleteSource = !options.Value.KeepSource && !work.SourceIsExternal && !work.Repair;
            if (deleteSource)
            {
                await storage.DeleteAsync(work.SourceKey, cancellationToken);
            }
            await grains.GetGrain<IVideoGrain>(work.VideoId).OnFinishedAsync(work.ItemId, work.Attempt, storyboard, deleteSource);
        }
        finally
        {
            Scratch.DeleteQuietly(scratch);
        }
    }

    private async Task<MediaInput> InputForImagesAsync(WorkAssignment work, string scratch, CancellationToken cancellationToken)
    {
        if (!work.SourceDeleted && await storage.ExistsAsync(work.SourceKey, cancellationToken))
        {
            var location = await storage.LocateForReadingAsync(work.SourceKey, TimeSpan.FromHours(1), cancellationToken);
            return new MediaInput(location.Location, location.Protocols);
        }
        var highest = work.Plan?.Renditions.Where(rendition => !rendition.IsAudio).MaxBy(rendition => rendition.Height)
            ?? throw new InvalidOperationException($"Video {work.VideoId} has neither a source nor a video rendition to make images from.");
        var variant = grains.GetGrain<IVariantGrain>(VariantKeys.Of(work.VideoId, highest.Name));
        var view = await variant.GetAsync() ?? throw new VideoGoneException(work.VideoId);
        var key = await variant.GetKeyAsync() ?? throw new VideoGoneException(work.VideoId);
        var path = Path.Combine(scratch, "rendition.ts");
        await RenditionReader.DecryptToFileAsync(storage, view, key, path, cancellationToken);
        return MediaInput.OwnRendition(path);
    }

    private async Task PutFileAsync(string key, string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        await storage.PutAsync(key, file, cancellationToken);
    }
}
