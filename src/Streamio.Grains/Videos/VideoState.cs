using System.Text.Json.Serialization;

namespace Streamio.Grains.Videos;

[JsonConverter(typeof(JsonStringEnumConverter<VideoStatus>))]
public enum VideoStatus
{
    [JsonStringEnumMemberName("uploaded")] Uploaded,
    [JsonStringEnumMemberName("probing")] Probing,
    [JsonStringEnumMemberName("encoding")] Encoding,
    [JsonStringEnumMemberName("ready")] Ready,
    [JsonStringEnumMemberName("failed")] Failed,
}

/// <summary>The durable state of one video: its lifecycle, what the probe found, and the encoding plan.</summary>
public sealed class VideoState
{
    public required string Id { get; init; }

    /// <summary>The tenant the video belongs to: every query is scoped to it and its objects live under its prefix.</summary>
    public string ProjectId { get; init; } = Projects.ProjectIds.Default;

    public string? Title { get; set; }

    public VideoStatus Status { get; set; } = VideoStatus.Uploaded;

    public required string SourceKey { get; init; }

    public long SourceBytes { get; init; }

    public bool SourceDeleted { get; set; }

    /// <summary>The source is an object Streamio was pointed at (ingest by key), not one it wrote: it is never deleted.</summary>
    public bool SourceIsExternal { get; init; }

    public string? Error { get; set; }

    public SourceFacts? Source { get; set; }

    public EncodingPlan? Plan { get; set; }

    public DateTimeOffset? PlayableAt { get; set; }

    public DateTimeOffset? ReadyAt { get; set; }

    public bool FinishQueued { get; set; }

    public bool HasPoster { get; set; }

    public StoryboardInfo? Storyboard { get; set; }

    public bool IsTerminal => Status is VideoStatus.Ready or VideoStatus.Failed;
}

public sealed record SourceFacts(string Format, double DurationSeconds, int Width, int Height, double FrameRate, bool HasAudio);

/// <summary>The ladder and timeline cut decided after probing.</summary>
public sealed record EncodingPlan(double SegmentSeconds, int SegmentCount, IReadOnlyList<RenditionPlan> Renditions);

public sealed record RenditionPlan(string Name, int Width, int Height, int BitrateKbps, bool IsAudio);

public sealed record StoryboardInfo(double IntervalSeconds, int TileCount, int Columns, int TileWidth, int TileHeight);
