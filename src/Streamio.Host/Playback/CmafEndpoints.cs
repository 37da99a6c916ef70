using Microsoft.Extensions.Options;
using Streamio.Abstractions.Videos;
using Streamio.Host.Http;
using Streamio.Host.Videos;
using Streamio.Media.Cmaf;
using Streamio.Storage;

namespace Streamio.Host.Playback;

/// <summary>
/// The CMAF side of a ready video, behind the same token check as its HLS: the DASH MPD, the fMP4 HLS playlists, the
/// CENC init and media segments, and the W3C ClearKey license server. Forensic viewers' tokens open none of it.
/// </summary>
public static class CmafEndpoints
{
    public const string MpdType = "application/dash+xml";
    private const string PlaylistType = "application/vnd.apple.mpegurl";
    private const int MaxLicenseRequestBytes = 16 * 1024;

    public static RouteGroupBuilder MapCmafEndpoints(this RouteGroupBuilder play)
    {
        play.MapGet("cmaf/manifest.mpd", MpdAsync).ExcludeFromDescription();
        play.MapGet("cmaf/master.m3u8", HlsMasterAsync).ExcludeFromDescription();
        play.MapGet("cmaf/{rendition}.m3u8", HlsMediaAsync).ExcludeFromDescription();
        play.MapGet("cmaf/{rendition}/init.mp4", InitAsync).ExcludeFromDescription();
        play.MapGet("cmaf/{rendition}/{index:int}.m4s", SegmentAsync).ExcludeFromDescription();
        play.MapPost("license", LicenseAsync).WithSummary("W3C ClearKey license server for the video's CMAF renditions (DASH, fMP4 HLS)");
        return play;
    }

    /// <summary>The URLs a playback answer adds for a video with CMAF output: the MPD, the fMP4 HLS master, the license server.</summary>
    public static (string DashUrl, string CmafHlsUrl, string LicenseUrl) Urls(string baseUrl, string videoId, string token)
    {
        var root = $"{baseUrl.TrimEnd('/')}/play/{Uri.EscapeDataString(videoId)}";
        var query = $"?token={Uri.EscapeDataString(token)}";
        return ($"{root}/cmaf/manifest.mpd{query}", $"{root}/cmaf/master.m3u8{query}", $"{root}/license{query}");
    }

    private static async Task<IResult> MpdAsync(string videoId, string? token, HttpContext context, VideoCatalog catalog, IGrainFactory grains)
    {
        PlaybackAccess.NoStore(context);
        var (playback, refused) = await LoadAsync(videoId, token, catalog, grains);
        return playback is null
            ? refused!
            : Results.Text(playback.Mpd(token!, Urls(PlaybackUrls.BaseOf(context.Request), videoId, token!).LicenseUrl), MpdType);
    }

    private static async Task<IResult> HlsMasterAsync(string videoId, string? token, HttpContext context, VideoCatalog catalog, IGrainFactory grains)
    {
        PlaybackAccess.NoStore(context);
        var (playback, refused) = await LoadAsync(videoId, token, catalog, grains);
        return playback is null ? refused! : Results.Text(playback.HlsMaster(token!), PlaylistType);
    }

    private static async Task<IResult> HlsMediaAsync(string videoId, string rendition, string? token, HttpContext context, VideoCatalog catalog, IGrainFactory grains)
    {
        PlaybackAccess.NoStore(context);
        var (playback, refused) = await LoadAsync(videoId, token, catalog, grains);
        if (playback is null)
        {
            return refused!;
        }
        return playback.Variant(rendition) is { } variant
            ? Results.Text(CmafPlayback.HlsMedia(playback.Video, variant, token!), PlaylistType)
            : Problems.NotFound($"Video '{videoId}' has no CMAF rendition '{rendition}'.");
    }

    private static Task<IResult> InitAsync(
        string videoId, string rendition, string? token, HttpContext context, VideoCatalog catalog, IObjectStorage storage, IOptions<PlaybackOptions> options,
        CancellationToken cancellationToken) =>
        StoredAsync(videoId, token, context, catalog, storage, options, video => StorageKeys.CmafInit(video.ProjectId, videoId, rendition),
            $"'{videoId}/{rendition}' has no CMAF init segment.", cancellationToken);

    private static Task<IResult> SegmentAsync(
        string videoId, string rendition, int index, string? token, HttpContext context, VideoCatalog catalog, IObjectStorage storage,
        IOptions<PlaybackOptions> options, CancellationToken cancellationToken) =>
        index < 0
            ? Task.FromResult(NotFound(context, $"CMAF segment {index} of '{videoId}/{rendition}' does not exist."))
            : StoredAsync(videoId, token, context, catalog, storage, options, video => StorageKeys.CmafSegment(video.ProjectId, videoId, rendition, index),
                $"CMAF segment {index} of '{videoId}/{rendition}' does not exist (yet).", cancellationToken);

    private static async Task<IResult> StoredAsync(
        string videoId, string? token, HttpContext context, VideoCatalog catalog, IObjectStorage storage, IOptions<PlaybackOptions> options,
        Func<VideoView, string> key, string missing, CancellationToken cancellationToken)
    {
        if (await catalog.GetAsync(videoId) is not { } video)
        {
            return NotFound(context, missing);
        }
        if (ForensicViewer(video, token))
        {
            PlaybackAccess.NoStore(context);
            return ForensicRefusal();
        }
        return await PlaybackEndpoints.ServeSegmentAsync(context, key(video), "video/mp4", missing, storage, options.Value, cancellationToken);
    }

    private static async Task<IResult> LicenseAsync(string videoId, string? token, HttpContext context, VideoCatalog catalog, IGrainFactory grains, CancellationToken cancellationToken)
    {
        PlaybackAccess.NoStore(context);
        var (request, malformed) = await ReadLicenseRequestAsync(context.Request, cancellationToken);
        if (request is null)
        {
            return malformed!;
        }
        var (playback, refused) = await LoadAsync(videoId, token, catalog, grains);
        if (playback is null)
        {
            return refused!;
        }
        var keys = await playback.KeysForAsync(request.KeyIds, grains);
        return Results.Text(ClearKeyLicense.Render(keys), "application/json");
    }

    /// <summary>A W3C ClearKey license request (JSON, at most 16 KiB), or the 400 that says what is wrong with it.</summary>
    internal static async Task<(ClearKeyLicense.Request? Request, IResult? Refused)> ReadLicenseRequestAsync(HttpRequest http, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(http, cancellationToken);
        if (body is null)
        {
            return (null, Problems.BadRequest($"The license request is larger than {MaxLicenseRequestBytes} bytes."));
        }
        var (request, error) = ClearKeyLicense.Parse(body);
        return request is null ? (null, Problems.BadRequest(error!)) : (request, null);
    }

    /// <summary>The video's CMAF presentation, or the refusal that says why there is none.</summary>
    private static async Task<(CmafPlayback? Playback, IResult? Refused)> LoadAsync(string videoId, string? token, VideoCatalog catalog, IGrainFactory grains)
    {
        if (await catalog.GetAsync(videoId) is not { } video)
        {
            return (null, Problems.NotFound($"There is no video '{videoId}'."));
        }
        if (ForensicViewer(video, token))
        {
            return (null, ForensicRefusal());
        }
        if (video.Status != VideoStatus.Ready)
        {
            return (null, Problems.Conflict($"Video '{videoId}' is not ready: DASH and fMP4 HLS are offered once it is (its HLS URL plays already)."));
        }
        return await CmafPlayback.LoadAsync(video, token, grains) is { } playback
            ? (playback, null)
            : (null, Problems.NotFound($"Video '{videoId}' has no CMAF output (it was encoded before it existed, or with Streamio:Playback:Dash off): play its HLS URL."));
    }

    private static bool ForensicViewer(VideoView video, string? token) => video.ForensicRung is not null && PlaybackTokens.ViewerOf(token) is not null;

    private static IResult ForensicRefusal() =>
        Problems.Forbidden("A forensic viewer's token plays the watermarked HLS stream only: the CMAF renditions carry no mark.");

    private static IResult NotFound(HttpContext context, string detail)
    {
        PlaybackAccess.NoStore(context);
        return Problems.NotFound(detail);
    }

    /// <summary>The request body, or null when it exceeds the limit.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxLicenseRequestBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
