using System.Text.Json.Serialization;

namespace Streamio.Grains.Uploads;

[JsonConverter(typeof(JsonStringEnumConverter<UploadStatus>))]
public enum UploadStatus
{
    [JsonStringEnumMemberName("pending")] Pending,
    [JsonStringEnumMemberName("completed")] Completed,
}

/// <summary>
/// An upload intent: a client was handed a URL to put one object at <see cref="Key"/>. Completing it creates the video
/// <see cref="VideoId"/> (chosen up front, so a repeated completion finds the same video instead of making another).
/// </summary>
public sealed class UploadState
{
    public required string Id { get; init; }

    /// <summary>The project the upload (and the video it becomes) belongs to.</summary>
    public string ProjectId { get; init; } = Projects.ProjectIds.Default;

    public required string VideoId { get; init; }

    public required string Key { get; init; }

    public string? Title { get; init; }

    public string? ContentType { get; init; }

    /// <summary>The size the client announced, if any; the stored object must not be larger.</summary>
    public long? DeclaredBytes { get; init; }

    /// <summary>When the upload URL stops working.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    public UploadStatus Status { get; set; } = UploadStatus.Pending;

    public DateTimeOffset? CompletedAt { get; set; }
}

/// <summary>The index grain that maps an object key back to its upload (S3 event notifications name only the key).</summary>
public sealed record UploadKeyIndex(string UploadId);
