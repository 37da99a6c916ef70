using Streamio.Abstractions.Uploads;

namespace Streamio.Grains.Uploads;

/// <summary>
/// One resumable (tus) upload as its grain stores it: how long it will be, how much has arrived, what the client said
/// about it, and the video it becomes. The bytes themselves are parts in object storage (see the host's TusPartStore).
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class TusUploadState
{
    /// <summary>Empty until the upload is created (and again once it is removed).</summary>
    public string ProjectId { get; set; } = "";

    public long Length { get; set; }

    public long Offset { get; set; }

    public string? Metadata { get; set; }

    public string? FileName { get; set; }

    public string? Title { get; set; }

    public string VideoId { get; set; } = "";

    public DateTimeOffset ExpiresAt { get; set; }

    public bool Completed { get; set; }

    public bool Exists => ProjectId.Length > 0;

    public TusUploadView View(string uploadId) => new(uploadId, ProjectId, Length, Offset, Metadata, FileName, Title, VideoId, ExpiresAt, Completed);
}

/// <summary>The tus directory's state: the ids of the uploads that exist, oldest first.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class TusUploadDirectoryState
{
    public List<string> UploadIds { get; set; } = [];
}
