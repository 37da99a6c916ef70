namespace Streamio.Cli.Api;

// The parts of the API's JSON the CLI reads to print tables and follow progress. `--json` prints the server's own
// JSON instead, whole and unchanged, so scripts see every field.

public sealed record Video(
    string Id, string? Title, string Status, bool Playable, double Progress, double? DurationSeconds, int? Width, int? Height,
    IReadOnlyList<Rendition>? Renditions, string? Error, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public bool IsReady => Status == "ready";

    public bool IsFailed => Status == "failed";
}

public sealed record Rendition(string Name, int? Width, int? Height, int BitrateKbps, string Status, double Progress);

public sealed record VideoPage(IReadOnlyList<Video> Items, string? NextCursor);

public sealed record Playback(string Url, DateTimeOffset ExpiresAt, string? EmbedUrl, string? DownloadUrl);

public sealed record Problem(string? Title, string? Detail, int? Status);

public sealed record ItemList<T>(IReadOnlyList<T> Items);

public sealed record ProjectItem(string Id, string Name, DateTimeOffset CreatedAt, int ActiveKeys, int Webhooks);

public sealed record KeyItem(string Id, string Prefix, string? Name, string Status, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

public sealed record CreatedKey(string Id, string Prefix, string? Name, DateTimeOffset CreatedAt, string Key);

public sealed record WebhookItem(string Id, string Url, IReadOnlyList<string> Events, DateTimeOffset CreatedAt, string? Secret);

public sealed record DeliveryItem(string EventId, string EventType, string VideoId, string Status, int Attempts, int? ResponseCode, string? LastError, DateTimeOffset CreatedAt);

public sealed record ClusterView(IReadOnlyList<SiloItem> Silos, WorkItem Work);

public sealed record SiloItem(string Address, string Host, string Name, string Status, DateTimeOffset StartedAt, int Activations, int RunningWork);

public sealed record WorkItem(int Waiting, int Running, int Videos);

public sealed record LiveStream(
    string Id, string? Title, string Status, string StreamKey, string RtmpUrl, string SrtUrl, int DvrWindowSeconds, bool Record,
    DateTimeOffset CreatedAt, LiveSession? Session, IReadOnlyList<string> RecordingVideoIds);

public sealed record LiveSession(string Id, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, int Legs, string? Protocol, double? LatencySeconds, string? RecordingVideoId);

public sealed record LivePlayback(string Url, string Token, DateTimeOffset ExpiresAt);
