using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Streamio.Storage;

namespace Streamio.Host.Uploads;

/// <summary>What a multipart upload delivered: the stored source and the form fields.</summary>
public sealed record ReceivedUpload(string SourceKey, long Bytes, string? Title, bool WithLogo = true);

/// <summary>
/// Reads <c>multipart/form-data</c> section by section and streams the <c>file</c> part straight to storage, so an upload
/// is never held in memory or buffered to disk first; the size limit is enforced as the bytes arrive.
/// </summary>
public static class MultipartUpload
{
    public static async Task<ReceivedUpload> ReceiveAsync(HttpRequest request, IObjectStorage storage, string sourceKey, long maxBytes, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 } boundary)
        {
            throw new BadUploadException("Send the video as multipart/form-data with a 'file' part (and an optional 'title').");
        }
        var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = null, HeadersLengthLimit = 16 * 1024 };
        string? title = null;
        var withLogo = true;
        string? fileName = null;
        long? bytes = null;
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
            if (name == "file" && disposition.IsFileDisposition())
            {
                if (bytes is not null)
                {
                    throw new BadUploadException("Send exactly one 'file' part.");
                }
                fileName = FileNameOf(disposition);
                var limited = new LimitedReadStream(section.Body, maxBytes);
                bytes = await storage.PutAsync(sourceKey, limited, cancellationToken);
            }
            else if (name == "title")
            {
                using var text = new StreamReader(new LimitedReadStream(section.Body, 4096));
                title = (await text.ReadToEndAsync(cancellationToken)).Trim();
            }
            else if (name == LogoChoice.Field)
            {
                using var text = new StreamReader(new LimitedReadStream(section.Body, 64));
                withLogo = LogoChoice.Parse(await text.ReadToEndAsync(cancellationToken), out var error) ?? throw new BadUploadException(error!);
            }
        }
        return bytes switch
        {
            null => throw new BadUploadException("The form has no 'file' part: send the video as a file field named 'file'."),
            0 => throw new BadUploadException("The file is empty (0 bytes)."),
            // No title: the file's name, as the other upload paths do (a name is never used as a path).
            _ => new ReceivedUpload(sourceKey, bytes.Value, string.IsNullOrEmpty(title) ? fileName : title, withLogo),
        };
    }

    /// <summary>The client's file name without any folder part (some browsers send one), at most 200 characters; null when blank.</summary>
    private static string? FileNameOf(ContentDispositionHeaderValue disposition)
    {
        var raw = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
        var name = raw?[(raw.LastIndexOfAny(['/', '\\']) + 1)..].Trim();
        return string.IsNullOrEmpty(name) ? null : name.Length > 200 ? name[..200] : name;
    }
}

public sealed class BadUploadException(string message) : Exception(message);
