using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Streamio.Abstractions.Live;
using Streamio.Abstractions.Projects;
using Streamio.Abstractions.Videos;
using Streamio.Abstractions.Wire;

namespace Streamio.Grains.Projects;

/// <summary>
/// The project grain (key: project id): its keys and webhooks, one guarded transition per method. It also takes its
/// videos' events and hands each to the delivery grain of every webhook subscribed to its type, returning once they all
/// hold it durably; the delivery grains drop a second hand-over of the same event id.
/// </summary>
[GrainType("project")]
public sealed class ProjectGrain([PersistentState("project", GrainStorage.Name)] IPersistentState<ProjectState> store, TimeProvider time)
    : Grain, IProjectGrain, IProjectEvents
{
    /// <summary>Prefixes are 48 random bits: a collision is all but impossible, but a new key costs nothing.</summary>
    private const int KeyAttempts = 3;

    private ProjectState State => store.State;

    private string ProjectId => this.GetPrimaryKeyString();

    public async Task<ProjectView> CreateAsync(string name)
    {
        if (!State.Exists)
        {
            // Listed first: a directory entry without a project is skipped, a project missing from the listing would be lost.
            await ProjectDirectory.Of(GrainFactory).AddAsync(ProjectId);
            store.State = new ProjectState { Name = name, CreatedAt = time.GetUtcNow() };
            await store.WriteStateAsync();
        }
        return State.View(ProjectId);
    }

    public Task<ProjectView?> GetAsync() => Task.FromResult(State.Exists ? State.View(ProjectId) : null);

    public async Task<IssuedKey?> CreateKeyAsync(string? name)
    {
        if (!State.Exists)
        {
            return null;
        }
        var issued = await AddKeyAsync(name);
        await store.WriteStateAsync();
        return issued;
    }

    public async Task<KeyRotation> RotateKeyAsync(string keyId, TimeSpan overlap)
    {
        if (!State.Exists)
        {
            return new KeyRotation(RotationOutcome.NoProject, null);
        }
        if (State.Key(keyId) is not { } old)
        {
            return new KeyRotation(RotationOutcome.NoKey, null);
        }
        var now = time.GetUtcNow();
        if (!old.IsActive(now))
        {
            return new KeyRotation(RotationOutcome.NotActive, null);
        }
        var issued = await AddKeyAsync(old.Name);
        old.ReplacedBy = issued.Record.Id;
        if (overlap <= TimeSpan.Zero)
        {
            old.RevokedAt = now;
        }
        else
        {
            old.ExpiresAt = now + overlap;
        }
        await store.WriteStateAsync();
        return new KeyRotation(RotationOutcome.Rotated, issued);
    }

    public async Task<bool> RevokeKeyAsync(string keyId)
    {
        if (State.Key(keyId) is not { } key)
        {
            return false;
        }
        if (key.RevokedAt is null)
        {
            key.RevokedAt = time.GetUtcNow();
            await store.WriteStateAsync();
        }
        return true;
    }

    public Task<KeyCheck> CheckKeyAsync(string keyId, string keyHash)
    {
        // Compared in constant time: the hash is not secret, but nothing here should hint at how close a guess came.
        if (State.Key(keyId) is not { } key
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(keyHash), Encoding.ASCII.GetBytes(key.Hash)))
        {
            return Task.FromResult(KeyCheck.Invalid);
        }
        return Task.FromResult(key.IsActive(time.GetUtcNow()) ? KeyCheck.Valid : KeyCheck.Revoked);
    }

    public async Task<CreatedWebhook?> AddWebhookAsync(string url, IReadOnlyList<string> events)
    {
        if (!State.Exists)
        {
            return null;
        }
        var webhook = new WebhookRecord
        {
            Id = $"wh_{Guid.CreateVersion7():N}",
            Url = url,
            Secret = $"whsec_{Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32))}",
            Events = [.. events],
            CreatedAt = time.GetUtcNow(),
        };
        State.Webhooks.Add(webhook);
        await store.WriteStateAsync();
        return new CreatedWebhook(webhook.View(), webhook.Secret);
    }

    public async Task<bool> RemoveWebhookAsync(string webhookId)
    {
        if (State.Webhook(webhookId) is not { } webhook)
        {
            return false;
        }
        // Deliveries first: if removing them fails, the webhook is still listed and removing it again finishes the job.
        await GrainFactory.GetGrain<IWebhookDeliveryGrain>(webhookId).DeleteAsync();
        State.Webhooks.Remove(webhook);
        await store.WriteStateAsync();
        return true;
    }

    public async Task<ProjectView?> SetPlaybackOriginsAsync(IReadOnlyList<string> origins)
    {
        if (!State.Exists)
        {
            return null;
        }
        State.PlaybackOrigins = origins.Distinct(StringComparer.Ordinal).ToList();
        await store.WriteStateAsync();
        return State.View(ProjectId);
    }

    public Task<ProjectView?> SetMp4DownloadsAsync(bool enabled) => ChangeSettingAsync(state => state.Mp4Downloads = enabled);

    public Task<ProjectView?> SetForensicsAsync(bool enabled) => ChangeSettingAsync(state => state.Forensics = enabled);

    /// <summary>One of the project's on/off settings; null when there is no such project.</summary>
    private async Task<ProjectView?> ChangeSettingAsync(Action<ProjectState> change)
    {
        if (!State.Exists)
        {
            return null;
        }
        change(State);
        await store.WriteStateAsync();
        return State.View(ProjectId);
    }

    public async Task<LogoChange?> SetLogoAsync(ProjectLogo? logo)
    {
        if (!State.Exists)
        {
            return null;
        }
        var replaced = State.Logo;
        State.Logo = logo;
        await store.WriteStateAsync();
        return new LogoChange(State.View(ProjectId), replaced?.StorageKey == logo?.StorageKey ? null : replaced);
    }

    public Task PublishAsync(VideoEvent videoEvent) => DeliverAsync(videoEvent.Type, () => new WebhookEvent(videoEvent.EventId, videoEvent.Type, videoEvent.Video.Id,
        JsonSerializer.Serialize(new WebhookEventBody(videoEvent.EventId, videoEvent.Type, videoEvent.OccurredAt, VideoResponse.From(videoEvent.Video)), JsonSerializerOptions.Web)));

    public Task PublishLiveAsync(LiveStreamEvent liveEvent) => DeliverAsync(liveEvent.Type, () => new WebhookEvent(liveEvent.EventId, liveEvent.Type, liveEvent.LiveStream.Id,
        JsonSerializer.Serialize(new LiveWebhookEventBody(liveEvent.EventId, liveEvent.Type, liveEvent.OccurredAt, LiveStreamResponse.From(liveEvent.LiveStream, withKey: false)),
            JsonSerializerOptions.Web)));

    /// <summary>Hands the event to every webhook subscribed to its type; the body is rendered only when one is.</summary>
    private async Task DeliverAsync(string type, Func<WebhookEvent> render)
    {
        var subscribed = State.Webhooks.Where(webhook => webhook.Events.Contains(type)).ToList();
        if (subscribed.Count == 0)
        {
            return;
        }
        var handOver = render();
        await Task.WhenAll(subscribed.Select(webhook => GrainFactory.GetGrain<IWebhookDeliveryGrain>(webhook.Id)
            .EnqueueAsync(new WebhookTarget(ProjectId, webhook.Id, webhook.Url, webhook.Secret), handOver)));
    }

    /// <summary>Issues a key and points its prefix at it; the caller writes the project state.</summary>
    private async Task<IssuedKey> AddKeyAsync(string? name)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (key, prefix, hash) = ApiKeys.Generate();
            var record = new ApiKeyRecord { Id = $"key_{Guid.CreateVersion7():N}", Prefix = prefix, Hash = hash, Name = name, CreatedAt = time.GetUtcNow() };
            // The lookup is written before the key: a lookup whose key never got saved answers "invalid", nothing worse.
            if (await GrainFactory.GetGrain<IApiKeyGrain>(prefix).ClaimAsync(new ApiKeyLocation(ProjectId, record.Id)))
            {
                State.Keys.Add(record);
                return new IssuedKey(record.View(), key);
            }
            if (attempt == KeyAttempts)
            {
                throw new InvalidOperationException($"No free key prefix after {KeyAttempts} attempts.");
            }
        }
    }
}
