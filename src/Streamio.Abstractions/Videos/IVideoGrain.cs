using Streamio.Abstractions.Work;

namespace Streamio.Abstractions.Videos;

/// <summary>
/// A video (key: video id). Owns the lifecycle (uploading →) uploaded → probing → encoding → ready | failed, schedules its work, and
/// tells watchers and webhooks what happened. Each method is one guarded transition.
/// </summary>
public interface IVideoGrain : IGrainWithStringKey
{
    /// <summary>Creates the video and schedules its probe. Throws when the id is taken.</summary>
    Task<VideoView> CreateAsync(NewVideo video);

    /// <summary>
    /// The upload of a video created as <see cref="VideoStatus.Uploading"/> completed with <paramref name="sourceBytes"/>
    /// stored at its source key: the source is probed again for its duration and the ordinary plan takes over. Null when
    /// there is no such video or it is not uploading.
    /// </summary>
    Task<VideoView?> OnUploadedAsync(long sourceBytes, string? title);

    /// <summary>
    /// The upload of an <see cref="VideoStatus.Uploading"/> video broke off or was refused: its work is cancelled and the
    /// video removed as by <see cref="DeleteAsync"/> (its objects are the caller's to delete). False when it is not uploading.
    /// </summary>
    Task<bool> AbandonAsync(string reason);

    /// <summary>
    /// Creates a video from a live session's recording: its segments are already stored, encrypted, under the video's
    /// keys, so nothing is encoded; the variants get the session's keys and durations and only the poster and storyboard
    /// are made (encoding → ready). A second call for the same video returns it as it is.
    /// </summary>
    Task<VideoView> CreateFromRecordingAsync(NewRecording recording);

    /// <summary>The video, or null when there is none.</summary>
    [ReadOnly]
    Task<VideoView?> GetAsync();

    /// <summary>Removes the video and its variants (their objects are the caller's to delete); false when the project has no such video.</summary>
    Task<bool> DeleteAsync(string projectId);

    /// <summary>A ready video whose images are missing gets them made again (start-up reconciler); false when not applicable.</summary>
    Task<bool> RepairImagesAsync();

    /// <summary>A silo worker is about to run <paramref name="itemId"/>: returns what to do, or null when the item is stale.</summary>
    Task<WorkAssignment?> StartWorkAsync(int itemId, string siloAddress);

    /// <summary>
    /// The probe of attempt <paramref name="attempt"/> finished: plans the ladder and schedules the encode. When the probing
    /// silo started the fast start beside the probe (<paramref name="early"/>) and the plan wants exactly that encode,
    /// the fast start's item is assigned to that silo and returned (asking again returns it again); otherwise null, and
    /// the early encode is the caller's to stop.
    /// </summary>
    /// <param name="keyframes">The source's video keyframes in seconds, when listed: the chunks are planned to start just
    /// after one. Used for this plan only, never stored.</param>
    Task<WorkAssignment?> OnProbedAsync(int itemId, int attempt, SourceFacts source, EarlyFastStart? early = null, double[]? keyframes = null);

    /// <summary>A source the prober refused: the video fails with the reason, nothing is retried.</summary>
    Task OnRejectedAsync(int itemId, int attempt, string reason);

    /// <summary>The worker registered segment <paramref name="index"/> with a variant (or found it registered).</summary>
    Task OnSegmentAsync(string rendition, int index, SegmentRegistration registration);

    /// <summary>An encode item finished, its segments registered (and, for the last chunk and the audio, its variants completed).</summary>
    Task OnEncodedAsync(int itemId, int attempt);

    /// <summary>The finish item made the poster and storyboard: encoding → ready.</summary>
    Task OnFinishedAsync(int itemId, int attempt, StoryboardInfo storyboard, bool sourceDeleted);

    /// <summary>An attempt failed: retried later, or the video fails once attempts are used up (with this error).</summary>
    Task OnWorkFailedAsync(int itemId, int attempt, string error);

    /// <summary>A draining silo hands back an attempt it did not finish; the attempt does not count.</summary>
    Task OnWorkReleasedAsync(int itemId, int attempt);

    /// <summary>
    /// An attempt broke off because a grain it called could not be reached (its silo stopped answering and is not yet
    /// declared dead): retried after a pause without counting, up to a bound, after which it counts as a failure.
    /// </summary>
    Task OnWorkInterruptedAsync(int itemId, int attempt, string error);

    /// <summary>
    /// An attempt handed the upload's growing copy found it gone (404). When the upload has completed meanwhile (it was
    /// handed out just before the last byte), it runs again at once on the stored source, without counting; otherwise it
    /// is an ordinary failure.
    /// </summary>
    Task OnGrowingSourceGoneAsync(int itemId, int attempt, string error);

    /// <summary>The silo running the item was declared dead by Orleans membership: the item runs again elsewhere.</summary>
    [OneWay]
    Task OnSiloDeadAsync(string siloAddress);

    /// <summary>Live updates: the observer is told about every change until it unsubscribes or its subscription lapses (resubscribe within a minute).</summary>
    Task SubscribeAsync(IVideoObserver observer);

    Task UnsubscribeAsync(IVideoObserver observer);
}

/// <summary>An API node watching videos for its SignalR clients.</summary>
public interface IVideoObserver : IGrainObserver
{
    [OneWay]
    Task OnVideoChangedAsync(string videoId, VideoChange change);
}

[GenerateSerializer]
public enum VideoChange
{
    Status,
    Progress,
    Deleted,
}
