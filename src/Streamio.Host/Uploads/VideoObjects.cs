using Streamio.Storage;

namespace Streamio.Host.Uploads;

/// <summary>Removing every stored object of a video once its grain is gone.</summary>
public static class VideoObjects
{
    /// <summary>
    /// A silo may still be storing a segment it finished before the delete reached it (until its registration finds the
    /// variant gone), which can make a directory delete fail once; such late writers also remove the prefix themselves.
    /// </summary>
    public static async Task DeleteAllAsync(IObjectStorage storage, string projectId, string videoId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await storage.DeletePrefixAsync(StorageKeys.VideoPrefix(projectId, videoId), cancellationToken);
                return;
            }
            catch (IOException) when (attempt < 5)
            {
                await Task.Delay(200 * attempt, cancellationToken);
            }
        }
    }
}
