using Streamio.Abstractions.Work;

namespace Streamio.Grains.Work;

/// <summary>Runs one kind of work item on a silo worker and reports the outcome to the video grain.</summary>
public interface IWorkRunner
{
    WorkKind Kind { get; }

    /// <summary>
    /// Does the work and reports success to the video. Throwing reports a failed attempt; cancellation means the silo is
    /// draining and the attempt is handed back. Returns work the video assigned to this silo meanwhile, for the same
    /// worker to run next (the fast start a probe began early), or null.
    /// </summary>
    Task<WorkAssignment?> RunAsync(WorkAssignment work, CancellationToken cancellationToken);
}

/// <summary>Scratch folders for FFmpeg output on this silo.</summary>
internal static class Scratch
{
    public static string For(string workPath, WorkAssignment work, string name) =>
        Path.GetFullPath(Path.Combine(workPath, work.VideoId, $"{name}-{work.ItemId}-{work.Attempt}"));

    public static void DeleteQuietly(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // Scratch space only; the next start-up sweep removes it.
        }
    }
}
