using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Streamio.Backbone;

namespace Streamio.Grains.Projects;

/// <summary>
/// The project grain (key: project id): its keys and webhooks. Each method is one guarded transition; the key lookup
/// index ("api-key" grains) is written in the same commit as the key it points at.
/// </summary>
public sealed class ProjectGrain(GrainRuntime runtime, TimeProvider time)
{
    public const string GrainType = "project";
    public const string KeyIndexType = "api-key";

    public static GrainId IdOf(string projectId) => new(GrainType, projectId);

    public static GrainId KeyIndexOf(string prefix) => new(KeyIndexType, prefix);

    public Task<ProjectState?> ReadAsync(string projectId, CancellationToken cancellationToken) =>
        runtime.ReadAsync<ProjectState>(IdOf(projectId), cancellationToken);

    public async Task<IReadOnlyList<ProjectState>> ListAsync(CancellationToken cancellationToken) =>
        (await runtime.Store.ReadByPrefixAsync(GrainType, "", cancellationToken))
            .Select(snapshot => JsonSerializer.Deserialize<ProjectState>(snapshot.StateJson, GrainRuntime.Json)!)
            .OrderBy(project => project.CreatedAt).ToList();

    /// <summary>Creates the project; returns the existing one when the id is taken (creating "default" is idempotent).</summary>
    public Task<ProjectState> CreateAsync(string projectId, string name, CancellationToken cancellationToken) =>
        runtime.CallAsync<ProjectState, ProjectState>(IdOf(projectId), call =>
        {
            if (call.State is null)
            {
                call.State = new ProjectState { Id = projectId, Name = name, CreatedAt = time.GetUtcNow() };
                call.Save();
            }
            return Task.FromResult(call.State);
        }, cancellationToken);

    /// <summary>A new key for the project (null when there is no such project).</summary>
    public Task<IssuedKey?> CreateKeyAsync(string projectId, string? name, CancellationToken cancellationToken) =>
        runtime.CallAsync<ProjectState, IssuedKey?>(IdOf(projectId), call =>
            Task.FromResult(call.State is { } project ? AddKey(call, project, name) : null), cancellationToken);

    /// <summary>
    /// Replaces a key: a new one is issued, and the old one stops working after <paramref name="overlap"/> (at once when
    /// zero), so deployments can switch without downtime. Null when the project or an active key is not found.
    /// </summary>
    public Task<IssuedKey?> RotateKeyAsync(string projectId, string keyId, TimeSpan overlap, CancellationToken cancellationToken) =>
        runtime.CallAsync<ProjectState, IssuedKey?>(IdOf(projectId), call =>
        {
            var now = time.GetUtcNow();
            if (call.State is not { } project || project.Key(keyId) is not { } old || !old.IsActive(now))
            {
                return Task.FromResult<IssuedKey?>(null);
            }
            var issued = AddKey(call, project, old.Name);
            old.ReplacedBy = issued.Record.Id;
            if (overlap <= TimeSpan.Zero)
            {
                old.RevokedAt = now;
            }
            else
            {
                old.ExpiresAt = now + overlap;
            }
            return Task.FromResult<IssuedKey?>(issued);
        }, cancellationToken);

    /// <summary>Revokes a key at once; false when the project or key does not exist.</summary>
    public Task<bool> RevokeKeyAsync(string projectId, string keyId, CancellationToken cancellationToken) =>
        runtime.CallAsync<ProjectState, bool>(IdOf(projectId), call =>
        {
            if (call.State?.Key(keyId) is not { } key)
            {
                return Task.FromResult(false);
            }
            key.RevokedAt ??= time.GetUtcNow();
            call.Save();
            return Task.FromResult(true);
        }, cancellationToken);

    /// <summary>Registers a webhook with a fresh signing secret (null when there is no such project).</summary>
    public Task<WebhookRecord?> AddWebhookAsync(string projectId, string url, IReadOnlyList<string> events, CancellationToken cancellationToken) =>
        runtime.CallAsync<ProjectState, WebhookRecord?>(IdOf(projectId), call =>
        {
            if (call.State is not { } project)
            {
                return Task.FromResult<WebhookRecord?>(null);
            }
            var webhook = new WebhookRecord
            {
                Id = $"wh_{Guid.CreateVersion7():N}",
                Url = url,
                Secret = $"whsec_{WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32))}",
                Events = [.. events],
                CreatedAt = time.GetUtcNow(),
            };
            project.Webhooks.Add(webhook);
            call.Save();
            return Task.FromResult<WebhookRecord?>(webhook);
        }, cancellationToken);

    /// <summary>Removes a webhook and its delivery log; pending deliveries find it gone and stop.</summary>
    public Task<bool> RemoveWebhookAsync(string projectId, string webhookId, CancellationToken cancellationToken) =>
        runtime.CallAsync<ProjectState, bool>(IdOf(projectId), async call =>
        {
            if (call.State is not { } project || project.Webhook(webhookId) is not { } webhook)
            {
                return false;
            }
            project.Webhooks.Remove(webhook);
            call.Save();
            foreach (var delivery in await call.ReadByPrefixAsync(WebhookDeliveries.GrainType, $"{webhookId}/", cancellationToken))
            {
                call.DeleteOther(delivery.Id);
            }
            return true;
        }, cancellationToken);

    private IssuedKey AddKey(GrainTransaction<ProjectState> call, ProjectState project, string? name)
    {
        var (key, prefix, hash) = ApiKeys.Generate();
        var record = new ApiKeyRecord { Id = $"key_{Guid.CreateVersion7():N}", Prefix = prefix, Hash = hash, Name = name, CreatedAt = time.GetUtcNow() };
        project.Keys.Add(record);
        call.Save();
        call.Create(KeyIndexOf(prefix), new ApiKeyIndex(project.Id, record.Id));
        return new IssuedKey(record, key);
    }
}
