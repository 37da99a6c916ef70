using Streamio.Host.Http;
using Streamio.Host.LiveStreams;

namespace Streamio.Host.Playback;

/// <summary>
/// Guards <c>/live/{liveStreamId}/…</c> the way <see cref="PlaybackAccess"/> guards a video's routes, with a live token:
/// one issued for this stream, which no video route accepts either.
/// </summary>
public sealed class LivePlaybackAccess(PlaybackAccess access, PlaybackTokens tokens, LiveStreamCatalog catalog) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var liveStreamId = http.GetRouteValue("liveStreamId") as string ?? "";
        var check = tokens.Check(http.Request.Query["token"], PlaybackTokens.LiveSubject(liveStreamId));
        return await access.GuardAsync(http, check, Refuse, async () => (await catalog.GetAsync(liveStreamId))?.ProjectId) ?? await next(context);
    }

    private static IResult? Refuse(TokenCheck check) => check switch
    {
        TokenCheck.Valid => null,
        TokenCheck.Expired => Problems.Forbidden("The playback token has expired: ask for a new URL with POST /v1/live-streams/{id}/playback."),
        TokenCheck.OtherVideo or TokenCheck.OtherSession => Problems.Forbidden("The playback token is not for this live stream (a video's token, or another stream's)."),
        _ => Problems.Forbidden("The playback token is missing or invalid: play the URL returned by POST /v1/live-streams/{id}/playback unchanged."),
    };
}
