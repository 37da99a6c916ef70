using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Streamio.Abstractions.Videos;
using Streamio.Abstractions.Watermarks;
using Streamio.Abstractions.Wire;
using Streamio.Grains.Watermarks;
using Streamio.Host.Http;
using Streamio.Media;

namespace Streamio.Host.Playback;

/// <summary>
/// Turns a playback (or ingest) request with a <c>watermark</c> into a watermark session and its signed URL: checks the
/// options, names the session after the video, viewer and watermark (so the same request reuses it), and answers at
/// once; the player waits on the session's EVENT playlist.
/// </summary>
public sealed class WatermarkSessions(IGrainFactory grains, PlaybackTokens tokens, IOptions<WatermarkOptions> options, TimeProvider time)
{
    /// <summary>The watermark as the session grain takes it, or a 400 saying what to change.</summary>
    public static (WatermarkSpec? Spec, IResult? Problem) Check(WatermarkRequest request)
    {
        var (text, problem) = WatermarkText.Normalize(request.Text);
        if (problem is not null)
        {
            return (null, Problems.BadRequest(problem));
        }
        if (!WatermarkText.TryParsePosition(request.Position, out var position))
        {
            return (null, Problems.BadRequest($"watermark.position must be one of {string.Join(", ", WatermarkText.PositionNames)}."));
        }
        var opacity = request.Opacity ?? WatermarkText.DefaultOpacity;
        if (!WatermarkText.ValidOpacity(opacity))
        {
            return (null, Problems.BadRequest("watermark.opacity must be a number above 0 and at most 1, such as 0.5."));
        }
        var fontSize = request.FontSize ?? WatermarkText.DefaultFontSize;
        if (!WatermarkText.ValidFontSize(fontSize))
        {
            return (null, Problems.BadRequest($"watermark.fontSize must be a whole number of pixels from {WatermarkText.MinFontSize} to {WatermarkText.MaxFontSize}."));
        }
        return (new WatermarkSpec(text!, WatermarkText.NameOf(position), Math.Round(opacity, 3), fontSize), null);
    }

    /// <summary>
    /// Starts (or reuses) the session and signs its URL for at most <paramref name="ttlSeconds"/>, never past the
    /// session's end. A full cluster answers 429 with Retry-After.
    /// </summary>
    public async Task<IResult> StartAsync(HttpRequest request, VideoView video, string? viewer, WatermarkSpec spec, int ttlSeconds, Func<WatermarkedPlaybackResponse, IResult>? answer = null, string fullNote = "")
    {
        var sessionId = SessionId(video, viewer, spec);
        var start = await grains.GetGrain<IWatermarkSessionGrain>(WatermarkSessionKeys.Of(video.Id, sessionId))
            .StartAsync(new WatermarkSessionRequest(video.Id, video.ProjectId, viewer, spec));
        if (start is not { Admission: not WatermarkAdmission.Full, Session: { } session })
        {
            var retry = options.Value.RetryAfterSeconds;
            request.HttpContext.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
            return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many watermark sessions",
                detail: "Every silo already runs its maximum of watermarked streams (Streamio:Watermark:MaxSessionsPerSilo): " +
                        $"try again in {retry} s, or add silos." + fullNote);
        }
        var requested = time.GetUtcNow().AddSeconds(ttlSeconds);
        var expiresAt = requested < session.ExpiresAt ? requested : session.ExpiresAt;
        var token = tokens.IssueForSession(video.Id, sessionId, expiresAt, viewer);
        var url = $"{PlaybackUrls.BaseOf(request)}{WatermarkPlaybackEndpoints.Root(video.Id, sessionId)}/master.m3u8?token={Uri.EscapeDataString(token)}";
        var response = new WatermarkedPlaybackResponse(url, expiresAt, sessionId, session.ExpiresAt, StatusName(session.Status),
            start.Admission == WatermarkAdmission.Reused);
        return answer is null ? Results.Ok(response) : answer(response);
    }

    public static string StatusName(WatermarkSessionStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>One id per project, video, viewer and watermark: hex, so it is safe in URLs and storage keys.</summary>
    public static string SessionId(VideoView video, string? viewer, WatermarkSpec spec)
    {
        var identity = string.Join('\0', video.ProjectId, video.Id, viewer ?? "", spec.Text, spec.Position,
            spec.Opacity.ToString("R", CultureInfo.InvariantCulture), spec.FontSize.ToString(CultureInfo.InvariantCulture));
        return "ws" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..24];
    }
}
