namespace Streamio.Abstractions.Projects;

/// <summary>
/// A tenant (key: project id): its API keys (hashes only, never the keys) and its webhooks. Each method is one guarded
/// transition. The same grain takes its videos' events (<see cref="IProjectEvents"/>) and hands them to its webhooks.
/// </summary>
public interface IProjectGrain : IGrainWithStringKey
{
    /// <summary>Creates the project; returns the existing one when it exists already (creating "default" is idempotent).</summary>
    Task<ProjectView> CreateAsync(string name);

    /// <summary>The project, or null when there is none.</summary>
    [ReadOnly]
    Task<ProjectView?> GetAsync();

    /// <summary>A new key (shown in this answer only), or null when there is no such project.</summary>
    Task<IssuedKey?> CreateKeyAsync(string? name);

    /// <summary>
    /// Replaces an active key: a new one is issued, and the old one stops working after <paramref name="overlap"/> (at once
    /// when zero), so deployments can switch without downtime.
    /// </summary>
    Task<KeyRotation> RotateKeyAsync(string keyId, TimeSpan overlap);

    /// <summary>Revokes a key at once; false when the project or the key does not exist.</summary>
    Task<bool> RevokeKeyAsync(string keyId);

    /// <summary>Whether <paramref name="keyHash"/> (SHA-256 of a presented key) is key <paramref name="keyId"/>'s, and whether it still works.</summary>
    [ReadOnly]
    Task<KeyCheck> CheckKeyAsync(string keyId, string keyHash);

    /// <summary>Registers a webhook with a fresh signing secret (shown in this answer only); null when there is no such project.</summary>
    Task<CreatedWebhook?> AddWebhookAsync(string url, IReadOnlyList<string> events);

    /// <summary>Removes a webhook with its deliveries (pending ones stop); false when the project has no such webhook.</summary>
    Task<bool> RemoveWebhookAsync(string webhookId);

    /// <summary>
    /// Replaces the origins (<c>https://app.example.com</c>, normalized by the caller) whose pages may play the project's
    /// videos; empty lets every origin play (the token stays the authority). Null when there is no such project.
    /// </summary>
    Task<ProjectView?> SetPlaybackOriginsAsync(IReadOnlyList<string> origins);

    /// <summary>Turns MP4 downloads of the project's ready videos on or off. Null when there is no such project.</summary>
    Task<ProjectView?> SetMp4DownloadsAsync(bool enabled);

    /// <summary>
    /// Sets (or, with null, removes) the logo new videos of the project carry; videos already made keep theirs. Returns
    /// the project and the logo it replaced (its object is the caller's to delete once no video can need it), or null
    /// when there is no such project.
    /// </summary>
    Task<LogoChange?> SetLogoAsync(ProjectLogo? logo);
    /// <summary>Turns forensic A/B watermarking of the project's new videos on or off (an upload may say otherwise). Null when there is no such project.</summary>
    Task<ProjectView?> SetForensicsAsync(bool enabled);
}

/// <summary>
/// A project's logo: a validated PNG stored at <paramref name="StorageKey"/>, drawn in <paramref name="Corner"/>
/// (top-left, top-right, bottom-left, bottom-right), <paramref name="Scale"/> of the frame width wide, at
/// <paramref name="Opacity"/>.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ProjectLogo(string StorageKey, string Corner, double Scale, double Opacity, int Width, int Height, DateTimeOffset UpdatedAt);

[GenerateSerializer, Immutable]
public sealed record LogoChange(ProjectView Project, ProjectLogo? Replaced);

/// <param name="PlaybackOrigins">The origins allowed to play and embed the project's videos; empty: any origin.</param>
/// <param name="Mp4Downloads">Whether playback URLs of ready videos come with a signed MP4 download.</param>
/// <param name="Logo">The logo new videos carry in every rendition; null: none.</param>
/// <param name="Forensics">Whether new videos get a forensic A/B copy by default.</param>
[GenerateSerializer, Immutable]
public sealed record ProjectView(
    string Id, string Name, DateTimeOffset CreatedAt, IReadOnlyList<ApiKeyView> Keys, IReadOnlyList<WebhookView> Webhooks, IReadOnlyList<string> PlaybackOrigins,
    bool Mp4Downloads,
    ProjectLogo? Logo = null,
    bool Forensics = false)
{
    public ApiKeyView? Key(string keyId) => Keys.FirstOrDefault(key => key.Id == keyId);

    public WebhookView? Webhook(string webhookId) => Webhooks.FirstOrDefault(webhook => webhook.Id == webhookId);
}

/// <summary>An API key as anyone outside its project grain sees it: its public prefix and its status, never the key or its hash.</summary>
/// <param name="ExpiresAt">Set when the key was rotated with an overlap: it stops working at this moment.</param>
/// <param name="ReplacedBy">The key that replaced this one in a rotation.</param>
[GenerateSerializer, Immutable]
public sealed record ApiKeyView(
    string Id, string Prefix, string? Name, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, DateTimeOffset? ExpiresAt, string? ReplacedBy)
{
    public bool IsActive(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || now < ExpiresAt);
}

/// <summary>A freshly made key: <see cref="Key"/> is shown to the caller once and never stored.</summary>
[GenerateSerializer, Immutable]
public sealed record IssuedKey(ApiKeyView Record, string Key);

[GenerateSerializer]
public enum RotationOutcome
{
    Rotated,
    NoProject,
    NoKey,

    /// <summary>The key is revoked, or expired after an earlier rotation.</summary>
    NotActive,
}

/// <param name="Issued">The new key when <paramref name="Outcome"/> is <see cref="RotationOutcome.Rotated"/>.</param>
[GenerateSerializer, Immutable]
public sealed record KeyRotation(RotationOutcome Outcome, IssuedKey? Issued);

[GenerateSerializer]
public enum KeyCheck
{
    Valid,

    /// <summary>Not this project's key (or not this key at all).</summary>
    Invalid,

    /// <summary>Revoked, or replaced by a rotation whose overlap has ended.</summary>
    Revoked,
}

/// <summary>A webhook endpoint as listed; the signing secret is never in it.</summary>
[GenerateSerializer, Immutable]
public sealed record WebhookView(string Id, string Url, IReadOnlyList<string> Events, DateTimeOffset CreatedAt);

/// <summary>The only answer that carries a webhook's signing secret.</summary>
[GenerateSerializer, Immutable]
public sealed record CreatedWebhook(WebhookView Webhook, string Secret);
