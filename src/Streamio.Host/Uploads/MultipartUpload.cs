using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Streamio.Storage;

namespace Streamio.Host.Uploads;

/// <summary>What a multipart upload delivered: the stored source and the form fields.</summary>
/// <param name="Fields">The form's other text fields (trimmed), by name.</param>
public sealed record ReceivedUpload(string SourceKey, long Bytes, string? Title, IReadOnlyDictionary<string, string> Fields)
{
    /// <summary>A true/false field; null when absent.</summary>
    public bool? Flag(string name) => !Fields.TryGetValue(name, out var value)
        ? null
        : bool.TryParse(value, out var parsed) ? parsed : throw new BadUploadException($"{name} must be true or false, not '{value}'.");

    /// <summary>The <c>logo</c> field (absent: true); a value that is not a yes or no is a bad upload.</summary>
    public bool WithLogo => LogoChoice.Parse(Fields.GetValueOrDefault(LogoChoice.Field), out var error) ?? throw new BadUploadException(error!);
}

/// <summary>
/// Reads <c>multipart/form-data</c> section by section and streams the <c>file</c> part straight to storage, so an upload
/// is never held in memory or buffered to disk first; the size limit is enforced as the bytes arrive.
/// </summary>
public static class MultipartUpload
{
    /// <summary>Text fields kept from one form; more are skipped (a form is a handful of fields and one file).</summary>
    private const int MaxFields = 16;

    /// <param name="watch">
    /// Wraps the file part's body on its way to storage, given the form as read so far (the fields before the file).
    /// </param>
    public static async Task<ReceivedUpload> ReceiveAsync(
        HttpRequest request, IObjectStorage storage, string sourceKey, long maxBytes, CancellationToken cancellationToken,
        Func<Stream, ReceivedUpload, Stream>? watch = null)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 } boundary)
        {
            throw new BadUploadException("Send the video as multipart/form-data with a 'file' part (and an optional 'title').");
        }
        var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = null, HeadersLengthLimit = 16 * 1024 };
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
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
                Stream body = new LimitedReadStream(section.Body, maxBytes);
                if (watch is not null)
                {
                    body = watch(body, new ReceivedUpload(sourceKey, 0, Title(fields, fileName), new Dictionary<string, string>(fields, StringComparer.Ordinal)));
                }
                bytes = await storage.PutAsync(sourceKey, body, cancellationToken);
            }
            else if (name is { Length: > 0 } && !disposition.IsFileDisposition() && fields.Count < MaxFields)
            {
                using var text = new StreamReader(new LimitedReadStream(section.Body, 4096));
                fields[name] = (await text.ReadToEndAsync(cancellationToken)).Trim();
            }
        }
        return bytes switch
        {
            null => throw new BadUploadException("The form has no 'file' part: send the video as a file field named 'file'."),
            0 => throw new BadUploadException("The file is empty (0 bytes)."),
            _ => new ReceivedUpload(sourceKey, bytes.Value, Title(fields, fileName), fields),
        };
    }

    /// <summary>No title: the file's name, as the other upload paths do (a name is never used as a path).</summary>
    private static string? Title(IReadOnlyDictionary<string, string> fields, string? fileName) =>
        fields.GetValueOrDefault("title") is { Length: > 0 } title ? title : fileName;

    /// <summary>The client's file name without any folder part (some browsers send one), at most 200 characters; null when blank.</summary>
    private static string? FileNameOf(ContentDispositionHeaderValue disposition)
    {
        var raw = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
        var name = raw?[(raw.LastIndexOfAny(['/', '\\']) + 1)..].Trim();
        return string.IsNullOrEmpty(name) ? null : name.Length > 200 ? name[..200] : name;
    }
}

public sealed class BadUploadException(string message) : Exception(message);
