using Streamio.Abstractions.Uploads;

namespace Streamio.Grains.Uploads;

/// <summary>An upload intent as its grain stores it (see <see cref="IUploadGrain"/>).</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class UploadState
{
    /// <summary>Empty until the upload is created.</summary>
    public string ProjectId { get; set; } = "";

    public string VideoId { get; set; } = "";

    public string Key { get; set; } = "";

    public string? Title { get; set; }

    /// <summary>Whether the video will carry its project's logo.</summary>
    public bool WithLogo { get; set; } = true;

    public string? ContentType { get; set; }

    public long? DeclaredBytes { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public UploadStatus Status { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public bool Exists => ProjectId.Length > 0;

    public UploadView View(string uploadId) => new(uploadId, ProjectId, VideoId, Key, Title, ContentType, DeclaredBytes, ExpiresAt, Status, CompletedAt, WithLogo);
}

/// <summary>The object-key index's state: the upload that claimed the key.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed class UploadKeyState
{
    public string? UploadId { get; set; }
}
