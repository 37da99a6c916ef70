using Streamio.Backbone;

namespace Streamio.Grains.Uploads;

/// <summary>What became of an attempt to move an upload's offset forward.</summary>
public enum AdvanceOutcome
{
    Advanced,
    Missing,
    Expired,
    OffsetMoved,
}

public sealed record AdvanceResult(AdvanceOutcome Outcome, TusUploadState? Upload);

/// <summary>
/// The upload grain (key: upload id): one tus upload's offset, metadata and expiry on the backbone, so any API node
/// can answer for it and it outlives a restart. Each method is one guarded transition.
/// </summary>
public sealed class TusUploadGrain(GrainRuntime runtime)
{
    public const string GrainType = "tus-upload";

    public static GrainId IdOf(string uploadId) => new(GrainType, uploadId);

    public Task CreateAsync(TusUploadState upload, CancellationToken cancellationToken) =>
        runtime.CallAsync<TusUploadState, bool>(IdOf(upload.Id), call =>
        {
            if (call.State is not null)
            {
                throw new InvalidOperationException($"Upload {upload.Id} already exists.");
            }
            call.State = upload;
            call.Save();
            return Task.FromResult(true);
        }, cancellationToken);

    public Task<TusUploadState?> GetAsync(string uploadId, CancellationToken cancellationToken) =>
        runtime.ReadAsync<TusUploadState>(IdOf(uploadId), cancellationToken);

    /// <summary>
    /// Moves the offset from <paramref name="from"/> to <paramref name="to"/> once the bytes in between are stored.
    /// Refused when another request moved it first, or the upload expired or was terminated meanwhile.
    /// </summary>
    public Task<AdvanceResult> AdvanceAsync(string uploadId, long from, long to, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        runtime.CallAsync<TusUploadState, AdvanceResult>(IdOf(uploadId), call =>
        {
            var upload = call.State;
            var outcome = upload switch
            {
                null => AdvanceOutcome.Missing,
                _ when upload.IsExpired(now) => AdvanceOutcome.Expired,
                _ when upload.Offset != from || to > upload.Length || to < from => AdvanceOutcome.OffsetMoved,
                _ => AdvanceOutcome.Advanced,
            };
            if (outcome == AdvanceOutcome.Advanced)
            {
                upload!.Offset = to;
                upload.ExpiresAt = expiresAt;
                call.Save();
            }
            return Task.FromResult(new AdvanceResult(outcome, upload));
        }, cancellationToken);

    /// <summary>Records that the video exists; the record stays (until it expires) so clients can look the video id up.</summary>
    public Task<bool> MarkCompletedAsync(string uploadId, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        runtime.CallAsync<TusUploadState, bool>(IdOf(uploadId), call =>
        {
            if (call.State is not { IsFull: true, Completed: false } upload)
            {
                return Task.FromResult(false);
            }
            upload.Completed = true;
            upload.ExpiresAt = expiresAt;
            call.Save();
            return Task.FromResult(true);
        }, cancellationToken);

    /// <summary>Removes the upload (termination); returns what it was, or null when there was none.</summary>
    public Task<TusUploadState?> DeleteAsync(string uploadId, CancellationToken cancellationToken) =>
        runtime.CallAsync<TusUploadState, TusUploadState?>(IdOf(uploadId), call =>
        {
            call.Delete();
            return Task.FromResult(call.State);
        }, cancellationToken);

    /// <summary>Removes the upload only if it has expired by <paramref name="now"/> (a sweeper on another node may race a PATCH).</summary>
    public Task<bool> DeleteIfExpiredAsync(string uploadId, DateTimeOffset now, CancellationToken cancellationToken) =>
        runtime.CallAsync<TusUploadState, bool>(IdOf(uploadId), call =>
        {
            if (call.State?.IsExpired(now) != true)
            {
                return Task.FromResult(false);
            }
            call.Delete();
            return Task.FromResult(true);
        }, cancellationToken);

    /// <summary>Every upload, oldest pages last; the sweeper walks this.</summary>
    public async IAsyncEnumerable<TusUploadState> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        GrainPageCursor? after = null;
        while (true)
        {
            var page = await runtime.Store.PageAsync(GrainType, "", after, 100, cancellationToken);
            foreach (var snapshot in page)
            {
                yield return System.Text.Json.JsonSerializer.Deserialize<TusUploadState>(snapshot.StateJson, GrainRuntime.Json)!;
            }
            if (page.Count < 100)
            {
                yield break;
            }
            after = new GrainPageCursor(page[^1].CreatedAt.ToUnixTimeMilliseconds(), page[^1].Id.Key);
        }
    }
}
