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
/// Finishes a video: joins the storyboard tiles its chunks made into the sprite and writes the WebVTT, then deletes the
/// source (unless kept) and the video is ready. The poster was made by the chunk that holds its time. For a ready video
/// whose images went missing (start-up repair), it rebuilds them in a whole-file pass from the source or, once that is
/// gone, from the highest rendition decrypted to scratch space.
/// </summary>
public sealed class FinishRunner(IGrainFactory grains, IObjectStorage storage, IMediaEncoder encoder, IOptions<EncodingOptions> options) : IWorkRunner
{
    public WorkKind Kind => WorkKind.Finish;

    public async Task<WorkAssignment?> RunAsync(WorkAssignment work, CancellationToken cancellationToken)
    {
        var source = work.Source ?? throw new InvalidOperationException($"Video {work.VideoId} was never probed.");
        var scratch = Scratch.For(options.Value.WorkPath, work, "finish");
        Directory.CreateDirectory(scratch);
        try
        {
            var storyboard = (work.Repair ? null : await ComposeFromTilesAsync(work, source, scratch, cancellationToken))
                ?? await RebuildImagesAsync(work, source, scratch, cancellationToken);
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
            await Reports.RetryAsync(() => grains.GetGrain<IVideoGrain>(work.VideoId).OnFinishedAsync(work.ItemId, work.Attempt, storyboard, deleteSource));
        }
        finally
        {
            Scratch.DeleteQuietly(scratch);
        }
        return null;
    }

    /// <summary>The sprite from the chunks' tiles; null when the first tile is missing (then the whole-file pass makes them).</summary>
    private async Task<StoryboardInfo?> ComposeFromTilesAsync(WorkAssignment work, SourceFacts source, string scratch, CancellationToken cancellationToken)
    {
        var tiles = new List<string>();
        for (var index = 0; index < ImagePlan.TileCount(source); index++)
        {
            await using var stored = await storage.OpenReadAsync(StorageKeys.StoryboardTile(work.ProjectId, work.VideoId, index), cancellationToken);
            if (stored is null)
            {
                // A tile past the last frame of a sparse source: the previous one stands in for it.
                if (tiles.Count == 0)
                {
                    return null;
                }
                tiles.Add(tiles[^1]);
                continue;
            }
            var path = Path.Combine(scratch, $"tile-{index}.jpg");
            await using (var file = File.Create(path))
            {
                await stored.CopyToAsync(file, cancellationToken);
            }
            tiles.Add(path);
        }
        var spritePath = Path.Combine(scratch, "storyboard.jpg");
        var sprite = await encoder.ComposeStoryboardAsync(tiles, ImagePlan.Columns, spritePath, cancellationToken);
        await PutFileAsync(StorageKeys.StoryboardSprite(work.ProjectId, work.VideoId), spritePath, cancellationToken);
        if (!await storage.ExistsAsync(StorageKeys.Poster(work.ProjectId, work.VideoId), cancellationToken))
        {
            // The poster time lay past the last frame: take it from the source instead.
            await CapturePosterAsync(work, source, await InputForImagesAsync(work, scratch, cancellationToken), scratch, cancellationToken);
        }
        await storage.DeletePrefixAsync($"{StorageKeys.VideoPrefix(work.ProjectId, work.VideoId)}images/tiles/", cancellationToken);
        return new StoryboardInfo(ImagePlan.IntervalSeconds(source), sprite.TileCount, sprite.Columns, sprite.TileWidth, sprite.TileHeight);
    }

    private async Task<StoryboardInfo> RebuildImagesAsync(WorkAssignment work, SourceFacts source, string scratch, CancellationToken cancellationToken)
    {
        var input = await InputForImagesAsync(work, scratch, cancellationToken);
        await CapturePosterAsync(work, source, input, scratch, cancellationToken);
        var interval = ImagePlan.IntervalSeconds(source);
        var spritePath = Path.Combine(scratch, "storyboard.jpg");
        var sprite = await encoder.BuildStoryboardAsync(input, source.DurationSeconds,
            new StoryboardSpec(interval, ImagePlan.TileWidth, ImagePlan.TileHeight(source), ImagePlan.Columns), spritePath, cancellationToken);
        await PutFileAsync(StorageKeys.StoryboardSprite(work.ProjectId, work.VideoId), spritePath, cancellationToken);
        return new StoryboardInfo(interval, sprite.TileCount, sprite.Columns, sprite.TileWidth, sprite.TileHeight);
    }

    private async Task CapturePosterAsync(WorkAssignment work, SourceFacts source, MediaInput input, string scratch, CancellationToken cancellationToken)
    {
        var posterPath = Path.Combine(scratch, "poster.jpg");
        await encoder.CapturePosterAsync(input, ImagePlan.PosterAtSeconds(source), ImagePlan.PosterHeight(source), posterPath, cancellationToken);
        await PutFileAsync(StorageKeys.Poster(work.ProjectId, work.VideoId), posterPath, cancellationToken);
    }
    private async Task<MediaInput> InputForImagesAsync(WorkAssignment work, string scratch, CancellationToken cancellationToken)
    {
        if (!work.SourceDeleted && await storage.ExistsAsync(work.SourceKey, cancellationToken))
        {
            var location = await storage.LocateForReadingAsync(work.SourceKey, TimeSpan.FromHours(1), cancellationToken);
            return new MediaInput(location.Location, location.Protocols);
        }
        var highest = work.Plan?.Renditions.Where(rendition => rendition.IsPlainVideo).MaxBy(rendition => rendition.Height)
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
