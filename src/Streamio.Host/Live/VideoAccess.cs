using System.Security.Claims;
using Streamio.Abstractions.Videos;
using Streamio.Host.Auth;
using Streamio.Host.Videos;

namespace Streamio.Host.Live;

/// <summary>
/// The one place that decides which videos a live (SignalR) caller may watch: those of the caller's project, exactly
/// like the HTTP API (another project's video is as absent as a missing one).
/// </summary>
public sealed class VideoAccess(VideoCatalog catalog)
{
    /// <summary>The video if it exists and <paramref name="caller"/> may see it; null otherwise (the caller cannot tell which).</summary>
    public async Task<VideoView?> FindVisibleAsync(ClaimsPrincipal? caller, string videoId) =>
        caller.GetCaller()?.ProjectId is { } projectId ? await catalog.GetInProjectAsync(projectId, videoId) : null;
}
