using System.Security.Claims;
using Streamio.Grains.Videos;

namespace Streamio.Host.Live;

/// <summary>
/// The one place that decides which videos a live (SignalR) caller may watch. Today every existing video is visible,
/// like in the HTTP API; when projects and API keys land, this is the check to narrow to the caller's project.
/// </summary>
public sealed class VideoAccess(VideoCatalog catalog)
{
    /// <summary>The video if it exists and <paramref name="caller"/> may see it; null otherwise (the caller cannot tell which).</summary>
    public async Task<VideoSnapshot?> FindVisibleAsync(ClaimsPrincipal? caller, string videoId, CancellationToken cancellationToken)
    {
        _ = caller; // Projects: compare the caller's project with the video's here.
        return await catalog.GetAsync(videoId, cancellationToken);
    }
}
