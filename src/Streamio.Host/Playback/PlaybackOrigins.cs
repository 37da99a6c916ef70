using Microsoft.Net.Http.Headers;
using Streamio.Abstractions.Projects;

namespace Streamio.Host.Playback;

/// <summary>
/// Which web origins may play a project's videos. An empty list lets every origin play: the token is the authority, and
/// the list only narrows where a page holding it may use it. Streamio's own origin (its web app, the embed page) always
/// may; requests naming no origin at all (FFmpeg, native apps, Safari's own player) are not web pages and pass.
/// </summary>
public sealed class PlaybackOrigins(IGrainFactory grains)
{
    public const int MaxOrigins = 100;

    /// <summary>The project's allowed origins (empty: any).</summary>
    public async Task<IReadOnlyList<string>> AllowedAsync(string projectId) =>
        (await grains.GetGrain<IProjectGrain>(projectId).GetAsync())?.PlaybackOrigins ?? [];

    /// <summary>Whether a request from <paramref name="origin"/> (null: it named none) may play under <paramref name="allowed"/>.</summary>
    public static bool Allows(IReadOnlyList<string> allowed, string? origin, string ownOrigin) =>
        allowed.Count == 0 || origin is null || origin == ownOrigin || allowed.Contains(origin, StringComparer.Ordinal);

    /// <summary>The page origin a request comes from: its <c>Origin</c> header, else the origin of its <c>Referer</c>, else null.</summary>
    public static string? RequestOrigin(HttpRequest request)
    {
        if (request.Headers[HeaderNames.Origin] is [{ Length: > 0 } origin])
        {
            // "null" (sandboxed frames, file: pages) is an origin no list can name: kept as is, so restricted projects refuse it.
            return origin == "null" ? origin : Normalize(origin) ?? origin;
        }
        return request.Headers[HeaderNames.Referer] is [{ Length: > 0 } referer] && Uri.TryCreate(referer, UriKind.Absolute, out var uri) ? OriginOf(uri) : null;
    }

    /// <summary>This node's own origin as the request reached it.</summary>
    public static string OwnOrigin(HttpRequest request) => $"{request.Scheme}://{request.Host}".ToLowerInvariant();

    /// <summary><c>scheme://host[:port]</c> in lower case without a default port, or null when <paramref name="value"/> is not an http(s) origin.</summary>
    public static string? Normalize(string value)
    {
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0
            || uri.AbsolutePath != "/")
        {
            return null;
        }
        return OriginOf(uri);
    }

    private static string? OriginOf(Uri uri) =>
        uri.Scheme is "http" or "https" && uri.Host.Length > 0
            ? (uri.IsDefaultPort ? $"{uri.Scheme}://{uri.Host}" : $"{uri.Scheme}://{uri.Host}:{uri.Port}").ToLowerInvariant()
            : null;
}
