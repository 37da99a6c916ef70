using Streamio.Abstractions.Uploads;

namespace Streamio.Grains.Uploads;

/// <summary>
/// One tus upload (key: upload id), so any API node can answer for it and it outlives a restart. Each method is one
/// guarded transition. The upload is listed in the directory before it exists and delisted after it is gone, so the
/// sweeper never misses one (a stale entry finds no upload and is dropped).
/// </summary>
[GrainType("tus-upload")]
public sealed class TusUploadGrain([PersistentState("tus-upload", GrainStorage.Name)] IPersistentState<TusUploadState> store) : Grain, ITusUploadGrain
{
    private string UploadId => this.GetPrimaryKeyString();

    private TusUploadState State => store.State;

    public async Task<TusUploadView> CreateAsync(NewTusUpload upload)
    {
        if (State.Exists)
        {
            throw new InvalidOperationException($"Upload {UploadId} already exists.");
        }
        await TusUploadDirectory.Of(GrainFactory).AddAsync(UploadId);
        store.State = new TusUploadState
        {
            ProjectId = upload.ProjectId,
            Length = upload.Length,
            Metadata = upload.Metadata,
            FileName = upload.FileName,
            Title = upload.Title,
            VideoId = upload.VideoId,
            ExpiresAt = upload.ExpiresAt,
        };
        await store.WriteStateAsync();
        return State.View(UploadId);
    }

    public Task<TusUploadView?> GetAsync() => Task.FromResult(State.Exists ? State.View(UploadId) : null);

    public async Task<AdvanceResult> AdvanceAsync(long from, long to, DateTimeOffset now, DateTimeOffset expiresAt)
    {
        if (!State.Exists)
        {
            return new AdvanceResult(AdvanceOutcome.Missing, null);
        }
        var outcome = State switch
        {
            _ when now >= State.ExpiresAt => AdvanceOutcome.Expired,
            _ when State.Offset != from || to > State.Length || to < from => AdvanceOutcome.OffsetMoved,
            _ => AdvanceOutcome.Advanced,
        };
        if (outcome == AdvanceOutcome.Advanced)
        {
            State.Offset = to;
            State.ExpiresAt = expiresAt;
            await store.WriteStateAsync();
        }
        return new AdvanceResult(outcome, State.View(UploadId));
    }

    public async Task<bool> MarkCompletedAsync(DateTimeOffset expiresAt)
    {
        if (!State.Exists || State.Completed || State.Offset != State.Length)
        {
            return false;
        }
        State.Completed = true;
        State.ExpiresAt = expiresAt;
        await store.WriteStateAsync();
        return true;
    }

    public async Task<TusUploadView?> DeleteAsync()
    {
        if (!State.Exists)
        {
            return null;
        }
        var removed = State.View(UploadId);
        await RemoveAsync();
        return removed;
    }

    public async Task<bool> DeleteIfExpiredAsync(DateTimeOffset now)
    {
        if (!State.Exists)
        {
            // Listed but gone (a crash between removal and delisting): safe to delist here, no creation can interleave.
            await TusUploadDirectory.Of(GrainFactory).RemoveAsync(UploadId);
            return false;
        }
        if (now < State.ExpiresAt)
        {
            return false;
        }
        await RemoveAsync();
        return true;
    }

    private async Task RemoveAsync()
    {
        await store.ClearStateAsync();
        await TusUploadDirectory.Of(GrainFactory).RemoveAsync(UploadId);
        DeactivateOnIdle();
    }
}
