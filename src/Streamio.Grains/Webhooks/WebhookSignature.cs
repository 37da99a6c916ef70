using System.Security.Cryptography;
using System.Text;

namespace Streamio.Grains.Webhooks;

/// <summary>
/// <c>Streamio-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "t.body" keyed with the webhook secret&gt;</c>. Receivers
/// recompute it over the raw body and compare in constant time, and refuse a timestamp that is too old (replays).
/// </summary>
public static class WebhookSignature
{
    public const string Header = "Streamio-Signature";

    public static string Create(string secret, long unixSeconds, string body) => $"t={unixSeconds},v1={Compute(secret, unixSeconds, body)}";

    /// <summary>Checks a header value against a body, as a receiver does (used by the tests and documented for receivers).</summary>
    public static bool Verify(string secret, string header, string body)
    {
        var parts = header.Split(',').Select(part => part.Split('=', 2)).Where(pair => pair.Length == 2).ToDictionary(pair => pair[0], pair => pair[1]);
        return parts.TryGetValue("t", out var t) && long.TryParse(t, out var timestamp) && parts.TryGetValue("v1", out var signature)
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Compute(secret, timestamp, body)), Encoding.ASCII.GetBytes(signature));
    }

    private static string Compute(string secret, long unixSeconds, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{unixSeconds}.{body}")));
}
