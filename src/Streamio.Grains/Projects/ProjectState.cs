namespace Streamio.Grains.Projects;

public static class ProjectIds
{
    /// <summary>The project anonymous callers act in (when allowed), and the owner of videos made before projects existed.</summary>
    public const string Default = "default";

    public static string New() => $"p_{Guid.CreateVersion7():N}";
}

/// <summary>A tenant: its API keys (hashes only) and its webhooks. Videos point at it by <c>ProjectId</c>.</summary>
public sealed class ProjectState
{
    public required string Id { get; init; }

    public required string Name { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public List<ApiKeyRecord> Keys { get; init; } = [];

    public List<WebhookRecord> Webhooks { get; init; } = [];

    public ApiKeyRecord? Key(string keyId) => Keys.FirstOrDefault(key => key.Id == keyId);

    public WebhookRecord? Webhook(string webhookId) => Webhooks.FirstOrDefault(webhook => webhook.Id == webhookId);
}

/// <summary>An API key as stored: the public prefix it is looked up by and the SHA-256 of the whole key, never the key.</summary>
public sealed class ApiKeyRecord
{
    public required string Id { get; init; }

    public required string Prefix { get; init; }

    public required string Hash { get; init; }

    public string? Name { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>Set when the key was rotated with an overlap: it stops working at this moment.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>The key that replaced this one in a rotation.</summary>
    public string? ReplacedBy { get; set; }

    public bool IsActive(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || now < ExpiresAt);
}

/// <summary>A webhook endpoint. The secret signs deliveries, so it is kept (like a password the receiver also knows).</summary>
public sealed class WebhookRecord
{
    public required string Id { get; init; }

    public required string Url { get; init; }

    public required string Secret { get; init; }

    public required List<string> Events { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>Index grain "api-key" (key: the public prefix) → the project that owns the key.</summary>
public sealed record ApiKeyIndex(string ProjectId, string KeyId);

/// <summary>Index grain "project-video" (key: "{projectId}/{videoId}"), so a project's videos are paged without scanning others.</summary>
public sealed record ProjectVideoIndex(string VideoId);
