using Streamio.Abstractions.Forensics;
using Streamio.Abstractions.Videos;
using Streamio.Host.Http;
using Streamio.Media.Forensics;

namespace Streamio.Host.Playback;

/// <summary>
/// A viewer's forensic stream of a forensic video: the forensic rung's media playlist picks copy A or B per segment by
/// the viewer's code, and the segment endpoint serves each viewer only the copy their code picked (so a viewer cannot
/// fetch the unmarked rung, or the other copy, to hide their code). Playback without a viewer gets the plain rungs.
/// </summary>
public sealed record ForensicStreams(string Viewer, ForensicView Codes)
{
    /// <summary>The forensic stream, when this playlist request is for the forensic rung with a viewer's token.</summary>
    public static async Task<ForensicStreams?> ForViewerAsync(VideoView video, string rendition, string? token, IGrainFactory grains) =>
        video.ForensicRung == rendition && PlaybackTokens.ViewerOf(token) is { } viewer
        && await grains.GetGrain<IForensicGrain>(video.Id).GetAsync() is { } codes
            ? new ForensicStreams(viewer, codes)
            : null;

    public async Task<string> RenderAsync(VideoView video, string token, IGrainFactory grains)
    {
        var a = await Copy(video, ForensicCopy.A, grains);
        var b = await Copy(video, ForensicCopy.B, grains);
        return PlaylistRendering.ForensicMedia(video, a, b, token, index => CopyFor(video.Id, index));
    }

    /// <summary>Null when the token may have the segment; else why not (403).</summary>
    public static async Task<IResult?> RefusalAsync(VideoView video, string rendition, int index, string? token, IGrainFactory grains)
    {
        if (video.ForensicRung is not { } rung)
        {
            return null;
        }
        var copy = video.Rendition(rendition)?.Forensic ?? ForensicCopy.None;
        var viewer = PlaybackTokens.ViewerOf(token);
        if (copy == ForensicCopy.None)
        {
            return rendition == rung && viewer is not null
                ? Problems.Forbidden("A viewer's stream of this rendition is the forensic one: play the segments its media playlist lists.")
                : null;
        }
        if (viewer is null || await grains.GetGrain<IForensicGrain>(video.Id).GetAsync() is not { } codes)
        {
            return Problems.Forbidden("Forensic copies are served only to a playback token that names a viewer.");
        }
        return new ForensicStreams(viewer, codes).CopyFor(video.Id, index) == copy
            ? null
            : Problems.Forbidden("This segment copy is not this viewer's: play the segments the media playlist lists.");
    }

    private ForensicCopy CopyFor(string videoId, int index) =>
        ForensicCode.UsesA(Codes.CodeKey, videoId, Viewer, index) ? ForensicCopy.A : ForensicCopy.B;

    private static async Task<VariantView> Copy(VideoView video, ForensicCopy copy, IGrainFactory grains) =>
        await grains.GetGrain<IVariantGrain>(VariantKeys.Of(video.Id, ForensicNames.Copy(video.ForensicRung!, copy))).GetAsync()
        ?? throw new InvalidOperationException($"Video {video.Id} lost its forensic copy {copy}.");
}
