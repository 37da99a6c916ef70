using Streamio.Abstractions.Work;
using Streamio.Media;
using Streamio.Storage;

namespace Streamio.Grains.Work;

/// <summary>Where a work item reads its source: the upload still arriving when the assignment names one, else storage.</summary>
internal static class SourceInputs
{
    public static async Task<MediaInput> ForAsync(IObjectStorage storage, WorkAssignment work, TimeSpan validFor, CancellationToken cancellationToken)
    {
        if (work.ProgressiveSource is { } growing)
        {
            return MediaInput.GrowingUpload(growing);
        }
        var source = await storage.LocateForReadingAsync(work.SourceKey, validFor, cancellationToken);
        return new MediaInput(source.Location, source.Protocols);
    }
}
