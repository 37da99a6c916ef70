namespace Streamio.Grains.Uploads;

/// <summary>
/// The durable state of one resumable (tus) upload: how long it will be, how much has arrived, what the client said
/// about it, and the video it becomes. The bytes themselves are parts in object storage (see the host's TusPartStore).
/// </summary>
public sealed class TusUploadState
{
    public required string Id { get; init; }

    /// <summary>The project the upload (and the video it becomes) belongs to.</summary>
    public string ProjectId { get; init; } = Projects.ProjectIds.Default;

    /// <summary>The total size the client declared (Upload-Length).</summary>
    public long Length { get; init; }

    /// <summary>Bytes received and stored so far; only ever grows, and only by a stored part.</summary>
    public long Offset { get; set; }

    /// <summary>The Upload-Metadata header as the client sent it (echoed back on HEAD).</summary>
    public string? Metadata { get; init; }

    public string? FileName { get; init; }

    public string? Title { get; init; }

    /// <summary>Reserved at creation, so finishing twice (a retry after a crash) creates the same video once.</summary>
    public required string VideoId { get; init; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>True once the video exists: the upload is then only a record of which video it became.</summary>
    public bool Completed { get; set; }

    public bool IsFull => Offset == Length;

    public bool IsExpired(DateTimeOffset now) => now >= ExpiresAt;
}
