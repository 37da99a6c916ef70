using System.Security.Claims;
using Streamio.Abstractions.Live;
using Streamio.Host.Auth;
using Streamio.Host.LiveStreams;

namespace Streamio.Host.Live;

/// <summary>Which live streams a SignalR caller may watch: its project's, exactly like <c>/v1/live-streams</c>.</summary>
public sealed class LiveStreamAccess(LiveStreamCatalog catalog)
{
    public async Task<LiveStreamView?> FindVisibleAsync(ClaimsPrincipal? caller, string liveStreamId) =>
        caller.GetCaller()?.ProjectId is { } projectId ? await catalog.GetInProjectAsync(projectId, liveStreamId) : null;
}
