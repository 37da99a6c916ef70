using Streamio.Backbone;

namespace Streamio.Grains.Uploads;

/// <summary>Upload intents, with an index from object key to upload, both written in one transaction.</summary>
public sealed class UploadGrain(GrainRuntime runtime, TimeProvider time)
{
    public const string GrainType = "upload";

    public const string KeyIndexType = "upload-key";

    public static GrainId IdOf(string uploadId) => new(GrainType, uploadId);

    public static GrainId IndexOf(string key) => new(KeyIndexType, key);

    public Task CreateAsync(UploadState upload, CancellationToken cancellationToken) =>
        runtime.CallAsync<UploadState, bool>(IdOf(upload.Id), call =>
        {
            if (call.State is not null)
            {
                throw new InvalidOperationException($"Upload {upload.Id} already exists.");
            }
            call.State = upload;
            call.Save();
            call.Create(IndexOf(upload.Key), new UploadKeyIndex(upload.Id));
            return Task.FromResult(true);
        }, cancellationToken);

    public Task<UploadState?> ReadAsync(string uploadId, CancellationToken cancellationToken) =>
        runtime.ReadAsync<UploadState>(IdOf(uploadId), cancellationToken);

    /// <summary>The upload whose object lives at <paramref name="key"/>, if any.</summary>
    public async Task<UploadState?> FindByKeyAsync(string key, CancellationToken cancellationToken) =>
        await runtime.ReadAsync<UploadKeyIndex>(IndexOf(key), cancellationToken) is { } index
            ? await ReadAsync(index.UploadId, cancellationToken)
            : null;

    /// <summary>pending → completed; false when it was already completed (or is gone).</summary>
    public Task<bool> MarkCompletedAsync(string uploadId, CancellationToken cancellationToken) =>
        runtime.CallAsync<UploadState, bool>(IdOf(uploadId), call =>
        {
            if (call.State is not { Status: UploadStatus.Pending } upload)
            {
                return Task.FromResult(false);
            }
            upload.Status = UploadStatus.Completed;
            upload.CompletedAt = time.GetUtcNow();
            call.Save();
            return Task.FromResult(true);
        }, cancellationToken);
}
