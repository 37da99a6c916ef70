using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Streamio.Backbone;
using Streamio.Grains.Planning;
using Streamio.Grains.Projects;
using Streamio.Grains.Work;
using Streamio.Media;

namespace Streamio.Grains.Videos;

/// <summary>
/// The video grain: owns the lifecycle uploaded → probing → encoding → ready | failed. Each method is one guarded
/// transition committed with the work it schedules and the events it raises.
/// </summary>
public sealed class VideoGrain(GrainRuntime runtime, IOptions<EncodingOptions> options, TimeProvider time)
{
    public const string GrainType = "video";

    private EncodingOptions Options => options.Value;

    /// <summary>The index grain type that lists a project's videos ("{projectId}/{videoId}").</summary>
    public const string ProjectIndexType = "project-video";

    public static GrainId IdOf(string videoId) => new(GrainType, videoId);

    public static GrainId ProjectIndexOf(string projectId, string videoId) => new(ProjectIndexType, $"{projectId}/{videoId}");

    /// <summary>Creates the video in <paramref name="projectId"/>, with its probe work; its source must already be stored.</summary>
    public Task CreateAsync(string projectId, string videoId, string? title, string sourceKey, long sourceBytes, CancellationToken cancellationToken) =>
        CreateAsync(projectId, videoId, title, sourceKey, sourceBytes, sourceIsExternal: false, cancellationToken);

    /// <summary>A video whose source is an object Streamio was pointed at (ingest by key): read in place, never deleted.</summary>
    public Task IngestAsync(string projectId, string videoId, string? title, string sourceKey, long sourceBytes, CancellationToken cancellationToken) =>
        CreateAsync(projectId, videoId, title, sourceKey, sourceBytes, sourceIsExternal: true, cancellationToken);

    private Task CreateAsync(string projectId, string videoId, string? title, string sourceKey, long sourceBytes, bool sourceIsExternal, CancellationToken cancellationToken) =>
        runtime.CallAsync<VideoState, bool>(IdOf(videoId), call =>
        {
            if (call.State is not null)
            {
                throw new InvalidOperationException($"Video {videoId} already exists.");
            }
            call.State = new VideoState
            {
                Id = videoId, ProjectId = projectId, Title = title, SourceKey = sourceKey, SourceBytes = sourceBytes, SourceIsExternal = sourceIsExternal,
            };
            call.Save();
            call.Create(ProjectIndexOf(projectId, videoId), new ProjectVideoIndex(videoId));
            call.Enqueue(WorkKinds.Create(WorkKinds.Probe, new VideoWork(videoId), videoId, WorkKinds.ProbePriority, Options.MaxAttempts));
            Raise(call, VideoEvents.Created, call.State);
            return Task.FromResult(true);
        }, cancellationToken);

    /// <summary>Publishes a video event and, for the events webhooks announce, enqueues their fan-out in the same commit.</summary>
    private void Raise(GrainTransaction<VideoState> call, string type, VideoState video)
    {
        call.Publish(VideoEvents.Create(type, video));
        if (WebhookWork.Announces(type))
        {
            var now = time.GetUtcNow();
            call.Enqueue(WebhookWork.FanoutOf(type, video, call.CreatedAt ?? now, now));
        }
    }

    /// <summary>uploaded → probing. False when the video is gone or already past probing.</summary>
    public Task<bool> StartProbingAsync(string videoId, WorkLease lease, CancellationToken cancellationToken) =>
        runtime.CallAsync<VideoState, bool>(IdOf(videoId), call =>
        {
            if (call.State is not { Status: VideoStatus.Uploaded or VideoStatus.Probing })
            {
                return Task.FromResult(false);
            }
            if (call.State.Status == VideoStatus.Uploaded)
            {
                call.State.Status = VideoStatus.Probing;
                call.Save();
                call.Publish(VideoEvents.Create(VideoEvents.StatusChanged, call.State));
            }
            return Task.FromResult(true);
        }, cancellationToken, lease);

    /// <summary>probing → encoding: plans the ladder, creates the variant grains with fresh keys, schedules the encode.</summary>
    public Task OnProbedAsync(string videoId, SourceFacts source, WorkLease lease, CancellationToken cancellationToken) =>
        runtime.CallAsync<VideoState, bool>(IdOf(videoId), call =>
        {
            if (call.State is not { Status: VideoStatus.Probing } video)
            {
                return Task.FromResult(false);
            }
            var plan = LadderPlanner.Plan(Options, source);
            video.Source = source;
            video.Plan = plan;
            video.Status = VideoStatus.Encoding;
            call.Save();
            foreach (var rendition in plan.Renditions)
            {
                call.Create(VariantGrain.IdOf(videoId, rendition.Name), new VariantState
                {
                    VideoId = videoId,
                    ProjectId = video.ProjectId,
                    Name = rendition.Name,
                    IsAudio = rendition.IsAudio,
                    Width = rendition.Width,
                    Height = rendition.Height,
                    BitrateKbps = rendition.BitrateKbps,
                    Key = SegmentCipher.NewKey(),
                    SegmentCount = plan.SegmentCount,
                });
            }
            ScheduleEncoding(call, videoId, plan);
            call.Publish(VideoEvents.Create(VideoEvents.StatusChanged, video));
            return Task.FromResult(true);
        }, cancellationToken, lease, completesLease: true);

    private void ScheduleEncoding(GrainTransaction<VideoState> call, string videoId, EncodingPlan plan)
    {
        var rungs = plan.Renditions.Where(rendition => !rendition.IsAudio)
            .Select(rendition => new Rung(rendition.Name, rendition.Width, rendition.Height, rendition.BitrateKbps)).ToList();
        var chunks = LadderPlanner.Chunks(plan.SegmentCount, Options.SegmentsPerChunk, rungs);
        var lastFirstSegment = chunks.Max(chunk => chunk.FirstSegment);
        for (var i = 0; i < chunks.Count; i++)
        {
            var chunk = chunks[i];
            var work = new ChunkWork(videoId, chunk.FirstSegment, chunk.SegmentCount, chunk.Rungs, chunk.FirstSegment == lastFirstSegment);
            var priority = (i, chunk.FastStart) switch
            {
                (0, _) => WorkKinds.FastStartPriority,
                (_, true) => WorkKinds.FirstSegmentPriority,
                _ => WorkKinds.ChunkPriority,
            };
            call.Enqueue(WorkKinds.Create(WorkKinds.EncodeChunk, work, videoId, priority, Options.MaxAttempts));
        }
        if (plan.Renditions.Any(rendition => rendition.IsAudio))
        {
            // The stream is playable once the lowest rung and the audio each have their first segment.
            call.Enqueue(WorkKinds.Create(WorkKinds.EncodeAudio, new VideoWork(videoId), videoId, WorkKinds.AudioPriority, Options.MaxAttempts));
        }
    }

    /// <summary>Any unfinished state → failed, with a reason; the video's remaining work is dropped.</summary>
    public Task FailAsync(string videoId, string reason, WorkLease? lease, CancellationToken cancellationToken) =>
        runtime.CallAsync<VideoState, bool>(IdOf(videoId), call =>
        {
            if (call.State is not { IsTerminal: false } video)
            {
                return Task.FromResult(false);
            }
            video.Status = VideoStatus.Failed;
            video.Error = reason;
            call.Save();
            call.CancelWorkGroup(videoId);
            Raise(call, VideoEvents.Failed, video);
            return Task.FromResult(true);
        }, cancellationToken, lease, completesLease: lease is not null);

    /// <summary>Looks at the variants: records the moment the video became playable, and schedules finishing once all are complete.</summary>
    public Task SyncAsync(string videoId, WorkLease lease, CancellationToken cancellationToken) =>
        runtime.CallAsync<VideoState, bool>(IdOf(videoId), async call =>
        {
            if (call.State is not { Status: VideoStatus.Encoding } video)
            {
                return false;
            }
            var variants = await VariantGrain.ReadAllAsync(call, videoId, cancellationToken);
            if (video.PlayableAt is null && VideoPlayability.IsPlayable(variants))
            {
                video.PlayableAt = time.GetUtcNow();
                call.Save();
                Raise(call, VideoEvents.Playable, video);
            }
            if (!video.FinishQueued && variants.Count > 0 && variants.All(variant => variant.Complete))
            {
                video.FinishQueued = true;
                call.Save();
                call.Enqueue(WorkKinds.Create(WorkKinds.Finish, new VideoWork(videoId), videoId, WorkKinds.FinishPriority, Options.MaxAttempts));
            }
            return true;
        }, cancellationToken, lease, completesLease: true);

    /// <summary>encoding → ready, with the images made by the finish task (or, for a ready video, the repaired images).</summary>
    public Task OnFinishedAsync(string videoId, StoryboardInfo storyboard, bool sourceDeleted, WorkLease lease, CancellationToken cancellationToken) =>
        runtime.CallAsync<VideoState, bool>(IdOf(videoId), call =>
        {
            if (call.State is not { Status: VideoStatus.Encoding or VideoStatus.Ready } video)
            {
                return Task.FromResult(false);
            }
            video.HasPoster = true;
            video.Storyboard = storyboard;
            video.SourceDeleted |= sourceDeleted;
            video.FinishQueued = false;
            if (video.Status == VideoStatus.Encoding)
            {
                video.Status = VideoStatus.Ready;
                video.ReadyAt = time.GetUtcNow();
                Raise(call, VideoEvents.Ready, video);
            }
            call.Save();
            return Task.FromResult(true);
        }, cancellationToken, lease, completesLease: true);

    /// <summary>Schedules the finish task again for a ready video whose images are missing (start-up reconciler).</summary>
    public Task<bool> RepairImagesAsync(string videoId, CancellationToken cancellationToken) =>
        runtime.CallAsync<VideoState, bool>(IdOf(videoId), call =>
        {
            if (call.State is not { Status: VideoStatus.Ready, FinishQueued: false } video)
            {
                return Task.FromResult(false);
            }
            video.FinishQueued = true;
            call.Save();
            call.Enqueue(WorkKinds.Create(WorkKinds.Finish, new VideoWork(videoId), videoId, WorkKinds.FinishPriority, Options.MaxAttempts));
            return Task.FromResult(true);
        }, cancellationToken);

    /// <summary>Removes the video, its variants and its queued work; returns false when the project has no such video.</summary>
    public Task<bool> DeleteAsync(string projectId, string videoId, CancellationToken cancellationToken) =>
        runtime.CallAsync<VideoState, bool>(IdOf(videoId), async call =>
        {
            if (call.State is not { } video || video.ProjectId != projectId)
            {
                return false;
            }
            call.DeleteOther(ProjectIndexOf(video.ProjectId, videoId));
            foreach (var variant in await call.ReadByPrefixAsync(VariantGrain.GrainType, $"{videoId}/", cancellationToken))
            {
                call.DeleteOther(variant.Id);
            }
            call.Delete();
            call.CancelWorkGroup(videoId);
            Raise(call, VideoEvents.Deleted, video);
            return true;
        }, cancellationToken);
}

/// <summary>When a master playlist can be played: the lowest rung and the audio (if any) each have their first segment.</summary>
public static class VideoPlayability
{
    public static bool IsPlayable(IReadOnlyList<VariantState> variants)
    {
        var lowest = variants.Where(variant => !variant.IsAudio).MinBy(variant => variant.Height);
        return lowest is not null
            && lowest.Segments.ContainsKey(0)
            && variants.Where(variant => variant.IsAudio).All(audio => audio.Segments.ContainsKey(0));
    }
}
