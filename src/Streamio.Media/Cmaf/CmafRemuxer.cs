using Microsoft.Extensions.Options;

namespace Streamio.Media.Cmaf;

/// <summary>A closed TS segment to turn into its CMAF twin, protected under the rendition's key.</summary>
public sealed record CmafRemuxRequest(string TsPath, int Index, CencKey Key);

/// <summary>
/// Turns a closed TS segment into its CMAF twin: FFmpeg copies the frames into fragmented MP4 (no second encode), the
/// file is cut into the init and the media segment, and both are protected with CENC under the rendition's key.
/// </summary>
public sealed class CmafRemuxer(FfmpegRunner ffmpeg, IOptions<FfmpegOptions> options)
{
    /// <summary>Remuxes <paramref name="tsPath"/> (left in place) into segment <paramref name="index"/>; nothing is left on disk.</summary>
    public async Task<CmafParts> RemuxAsync(string tsPath, int index, CencKey key, CancellationToken cancellationToken) =>
        (await RemuxManyAsync([new CmafRemuxRequest(tsPath, index, key)], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>
    /// Remuxes several segments in one FFmpeg run, each as <see cref="RemuxAsync"/> would; the parts come back in the
    /// requests' order. One unreadable segment fails the run: callers that batch retry the requests one by one.
    /// </summary>
    public async Task<IReadOnlyList<CmafParts>> RemuxManyAsync(IReadOnlyList<CmafRemuxRequest> requests, CancellationToken cancellationToken)
    {
        var mp4Paths = requests.Select(request => request.TsPath + ".cmaf.mp4").ToList();
        try
        {
            try
            {
                await ffmpeg.RunFfmpegAsync(FfmpegArguments.CmafRemuxMany([.. requests.Select((request, i) => (request.TsPath, mp4Paths[i]))], options.Value),
                    options.Value.TaskTimeoutFloor, null, cancellationToken, task: new FfmpegTask("cmaf")).ConfigureAwait(false);
            }
            catch (MediaToolException failed)
            {
                // The encoder closed a segment FFmpeg cannot read back: it has no whole frame, which happens where the
                // source's samples end early. Say so, as the chunk's own segment count check would.
                var which = requests.Count == 1 ? $"Segment {requests[0].Index}" : $"One of segments {string.Join(", ", requests.Select(request => request.Index))}";
                throw new MediaToolException($"{which} could not be packaged as CMAF ({failed.Message}); the source may be damaged.", failed.StderrTail);
            }
            var parts = new List<CmafParts>(requests.Count);
            for (var i = 0; i < requests.Count; i++)
            {
                var clear = CmafFragment.Split(await File.ReadAllBytesAsync(mp4Paths[i], cancellationToken).ConfigureAwait(false), requests[i].Index + 1);
                var init = CencPackager.ProtectInit(clear.Init, requests[i].Key.KeyId);
                parts.Add(clear with
                {
                    Init = init,
                    Media = CencPackager.EncryptMedia(clear.Media, requests[i].Key.Key, CencPackager.NalLengthSize(clear.Init)),
                    KeyId = CmafFragment.KeyId(init),
                });
            }
            return parts;
        }
        finally
        {
            foreach (var mp4Path in mp4Paths)
            {
                File.Delete(mp4Path);
            }
        }
    }
}
