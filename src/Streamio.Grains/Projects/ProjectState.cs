using Streamio.Abstractions.Projects;

namespace Streamio.Grains.Projects;

/// <summary>A tenant as its grain stores it: its API keys (hashes only) and its webhooks (with their signing secrets).</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class ProjectState
{
    /// <summary>Empty until the project is created.</summary>
    public string Name { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public List<ApiKeyRecord> Keys { get; set; } = [];

    public List<WebhookRecord> Webhooks { get; set; } = [];

    /// <summary>Origins allowed to play the project's videos; empty: any origin.</summary>
    public List<string> PlaybackOrigins { get; set; } = [];

    /// <summary>Whether ready videos can be downloaded as one MP4.</summary>
    public bool Mp4Downloads { get; set; }

    /// <summary>The logo new videos carry; null: none.</summary>
    public ProjectLogo? Logo { get; set; }

    /// <summary>Whether new videos get a forensic A/B copy unless their upload says otherwise.</summary>
    public bool Forensics { get; set; }

    public bool Exists => Name.Length > 0;

    public ApiKeyRecord? Key(string keyId) => Keys.FirstOrDefault(key => key.Id == keyId);

    public WebhookRecord? Webhook(string webhookId) => Webhooks.FirstOrDefault(webhook => webhook.Id == webhookId);

    public ProjectView View(string projectId) =>
        new(projectId, Name, CreatedAt, Keys.Select(key => key.View()).ToList(), Webhooks.Select(webhook => webhook.View()).ToList(), PlaybackOrigins.ToList(), Mp4Downloads, Logo,
            Forensics);
}

/// <summary>An API key as stored: the public prefix it is looked up by and the SHA-256 of the whole key, never the key.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class ApiKeyRecord
{
    public string Id { get; set; } = "";

    public string Prefix { get; set; } = "";

    public string Hash { get; set; } = "";

    public string? Name { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public string? ReplacedBy { get; set; }

    public bool IsActive(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || now < ExpiresAt);

    public ApiKeyView View() => new(Id, Prefix, Name, CreatedAt, RevokedAt, ExpiresAt, ReplacedBy);
}

/// <summary>A webhook endpoint. The secret signs deliveries, so it is kept (like a password the receiver also knows).</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class WebhookRecord
{
    public string Id { get; set; } = "";

    public string Url { get; set; } = "";

    public string Secret { get; set; } = "";

    public List<string> Events { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public WebhookView View() => new(Id, Url, Events.ToList(), CreatedAt);
}

/// <summary>The API-key lookup's state: the project and key a prefix belongs to.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class ApiKeyIndexState
{
    public string? ProjectId { get; set; }

    public string? KeyId { get; set; }
}

/// <summary>The project directory's state.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class ProjectDirectoryState
{
    public List<string> ProjectIds { get; set; } = [];
}
