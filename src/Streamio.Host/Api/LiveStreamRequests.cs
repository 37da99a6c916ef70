using System.Text.Json;
using Streamio.Abstractions.Wire;
using Streamio.Host.Http;

namespace Streamio.Host.Api;

/// <summary>
/// Checks a live stream's create body as sent, so a misspelt field (<c>dvrWindow</c>) is a 400 that names it rather than
/// a default silently taken.
/// </summary>
public static class LiveStreamRequests
{
    private static readonly string[] Fields = ["title", "dvrWindowSeconds", "record"];

    public static (LiveStreamCreateRequest? Body, IResult? Error) Check(JsonElement root, string example)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Refuse($"The body must be a JSON object such as {example}.");
        }
        string? title = null;
        int? dvr = null;
        bool? record = null;
        foreach (var field in root.EnumerateObject())
        {
            switch (field.Name)
            {
                case "title" when field.Value.ValueKind == JsonValueKind.Null:
                    break;
                case "title" when field.Value.ValueKind == JsonValueKind.String:
                    title = field.Value.GetString();
                    if (title!.Length > LiveStreamEndpoints.MaxTitleLength)
                    {
                        return Refuse($"title must be at most {LiveStreamEndpoints.MaxTitleLength} characters (it has {title.Length}).");
                    }
                    break;
                case "title":
                    return Refuse("title must be a string.");
                case "dvrWindowSeconds" when field.Value.ValueKind == JsonValueKind.Null:
                    break;
                case "dvrWindowSeconds":
                    if (field.Value.ValueKind != JsonValueKind.Number || !field.Value.TryGetInt32(out var seconds)
                        || seconds is < LiveStreamEndpoints.MinDvrWindowSeconds or > LiveStreamEndpoints.MaxDvrWindowSeconds)
                    {
                        return Refuse($"dvrWindowSeconds must be a whole number of seconds from {LiveStreamEndpoints.MinDvrWindowSeconds} to " +
                            $"{LiveStreamEndpoints.MaxDvrWindowSeconds} (6 hours); it is how far back viewers can seek.");
                    }
                    dvr = seconds;
                    break;
                case "record" when field.Value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    record = field.Value.GetBoolean();
                    break;
                case "record" when field.Value.ValueKind == JsonValueKind.Null:
                    break;
                case "record":
                    return Refuse("record must be true or false (whether each session is kept as a video).");
                default:
                    return Refuse($"'{field.Name}' is not a field of a live stream; send only {string.Join(", ", Fields)}, such as {example}.");
            }
        }
        return (new LiveStreamCreateRequest(title, dvr, record), null);
    }

    private static (LiveStreamCreateRequest?, IResult?) Refuse(string detail) => (null, Problems.BadRequest(detail));
}
