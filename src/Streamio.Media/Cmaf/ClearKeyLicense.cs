using System.Text.Json;

namespace Streamio.Media.Cmaf;

/// <summary>
/// W3C ClearKey's license exchange (EME, "Clear Key"): the request <c>{"kids":["base64url"…],"type":"temporary"}</c>
/// a CDM sends, and the JSON Web Key Set answer <c>{"keys":[{"kty":"oct","kid":…,"k":…}],"type":"temporary"}</c>.
/// </summary>
public static class ClearKeyLicense
{
    public const string Temporary = "temporary";

    /// <summary>A parsed request: the KIDs asked for (16 bytes each) and the session type.</summary>
    public sealed record Request(IReadOnlyList<byte[]> KeyIds, string Type);

    /// <summary>The request, or an error saying what is wrong with it (not JSON, no kids, a KID that is not 16 bytes).</summary>
    public static (Request? Request, string? Error) Parse(ReadOnlySpan<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException)
        {
            return (null, "The license request is not JSON: send {\"kids\":[\"<base64url KID>\"],\"type\":\"temporary\"}.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("kids", out var kids) || kids.ValueKind != JsonValueKind.Array || kids.GetArrayLength() == 0)
            {
                return (null, "The license request needs \"kids\": a non-empty array of base64url key ids.");
            }

            if (kids.GetArrayLength() > 64)
            {
                return (null, "The license request asks for more than 64 key ids.");
            }

            var keyIds = new List<byte[]>();
            foreach (var kid in kids.EnumerateArray())
            {
                if (kid.ValueKind != JsonValueKind.String || Base64Url.TryDecode(kid.GetString()!) is not { Length: CencKey.Size } bytes)
                {
                    return (null, "Every entry of \"kids\" must be a 16-byte key id in base64url.");
                }

                keyIds.Add(bytes);
            }

            var type = root.TryGetProperty("type", out var given) && given.ValueKind == JsonValueKind.String ? given.GetString()! : Temporary;
            return (new Request(keyIds, type), null);
        }
    }

    /// <summary>The answer: each key as a JWK of type "oct" (kid and k in base64url).</summary>
    public static string Render(IEnumerable<CencKey> keys, string type = Temporary) =>
        JsonSerializer.Serialize(new
        {
            keys = keys.Select(key => new { kty = "oct", kid = Base64Url.Encode(key.KeyId), k = Base64Url.Encode(key.Key) }).ToList(),
            type,
        });
}
