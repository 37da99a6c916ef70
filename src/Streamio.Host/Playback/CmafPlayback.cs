using Streamio.Abstractions.Videos;
using Streamio.Media;
using Streamio.Media.Cmaf;
using Streamio.Media.Dash;

namespace Streamio.Host.Playback;

/// <summary>
/// A ready video's CMAF renditions (every plain rung and the audio) and what is made of them: the DASH MPD, the fMP4
/// HLS playlists and the ClearKey keys. Forensic viewers are never served these: that stream would be unmarked.
/// </summary>
public sealed class CmafPlayback(VideoView video, IReadOnlyList<VariantView> variants)
{
    public VideoView Video => video;

    public IReadOnlyList<VariantView> Variants => variants;

    /// <summary>
    /// The video's CMAF presentation, or null: not ready, no CMAF output (encoded before it, or DASH off), or a forensic
    /// viewer's token.
    /// </summary>
    public static async Task<CmafPlayback?> LoadAsync(VideoView video, string? token, IGrainFactory grains)
    {
        if (video.Status != VideoStatus.Ready || (video.ForensicRung is not null && PlaybackTokens.ViewerOf(token) is not null))
        {
            return null;
        }
        var variants = new List<VariantView>();
        foreach (var rendition in video.Renditions.Where(rendition => rendition.IsPlainVideo || rendition.IsAudio))
        {
            if (await grains.GetGrain<IVariantGrain>(VariantKeys.Of(video.Id, rendition.Name)).GetAsync() is not { CmafComplete: true } variant)
            {
                return null;
            }
            variants.Add(variant);
        }
        return variants.Any(variant => !variant.IsAudio) ? new CmafPlayback(video, variants) : null;
    }

    public VariantView? Variant(string rendition) => variants.FirstOrDefault(variant => variant.Name == rendition);

    public string Mpd(string token, string licenseUrl)
    {
        var query = Query(token);
        var tracks = variants.Select(variant => new CmafTrack(variant.Name, variant.IsAudio, variant.Width, variant.Height, variant.BitrateKbps,
            variant.CmafTimescale, [.. variant.CmafContiguousStarts!.Take(variant.SegmentCount)], [.. variant.ContiguousDurations.Take(variant.SegmentCount)],
            variant.CencKeyId!)).ToList();
        var manifest = DashVod.Manifest(tracks, video.Source?.FrameRate ?? 0, video.SegmentSeconds, licenseUrl,
            rendition => $"{rendition}/init.mp4{query}", rendition => $"{rendition}/$Number$.m4s{query}");
        return DashMpd.Render(manifest);
    }

    public string HlsMaster(string token)
    {
        var query = Query(token);
        var frameRate = video.Source?.FrameRate ?? 0;
        var videos = variants.Where(variant => !variant.IsAudio)
            .Select(variant => new MasterVideoEntry($"{variant.Name}.m3u8{query}", variant.Width, variant.Height, variant.BitrateKbps, frameRate)).ToList();
        var audio = variants.FirstOrDefault(variant => variant.IsAudio) is { } track ? new MasterAudioEntry($"{track.Name}.m3u8{query}", track.BitrateKbps) : null;
        return HlsPlaylists.CmafMaster(videos, audio);
    }

    public static string HlsMedia(VideoView video, VariantView variant, string token)
    {
        var query = Query(token);
        return HlsPlaylists.CmafMedia([.. variant.ContiguousDurations.Take(variant.SegmentCount)], video.SegmentSeconds, variant.CencKeyId!,
            $"{variant.Name}/init.mp4{query}", index => $"{variant.Name}/{index}.m4s{query}");
    }

    /// <summary>
    /// The keys a license request gets: when it names any KID of this video, every CMAF key of the video (players
    /// build the request from the adaptation set's KID, yet each rung has its own key; the token opens all of them
    /// anyway, as it opens every HLS key). KIDs of other videos get nothing.
    /// </summary>
    public async Task<IReadOnlyList<CencKey>> KeysForAsync(IReadOnlyList<byte[]> requested, IGrainFactory grains)
    {
        if (!requested.Any(kid => variants.Any(variant => variant.CencKeyId.AsSpan().SequenceEqual(kid))))
        {
            return [];
        }
        var keys = new List<CencKey>();
        foreach (var variant in variants)
        {
            if (await grains.GetGrain<IVariantGrain>(VariantKeys.Of(video.Id, variant.Name)).GetCencKeyAsync() is { } pair)
            {
                keys.Add(new CencKey(pair.KeyId, pair.Key));
            }
        }
        return keys;
    }

    private static string Query(string token) => $"?token={Uri.EscapeDataString(token)}";
}
