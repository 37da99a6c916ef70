using Microsoft.Extensions.Options;

namespace Streamio.Media.Cmaf;

/// <summary>
/// Turns a closed TS segment into its CMAF twin: FFmpeg copies the frames into fragmented MP4 (no second encode), the
/// file is cut into the init and the media segment, and both are protected with CENC under the rendition's key.
/// </summary>
public sealed class CmafRemuxer(FfmpegRunner ffmpeg, IOptions<FfmpegOptions> options)
{
    /// <summary>Remuxes <paramref name="tsPath"/> (left in place) into segment <paramref name="index"/>; nothing is left on disk.</summary>
    public async Task<CmafParts> RemuxAsync(string tsPath, int index, CencKey key, CancellationToken cancellationToken)
    {
        var mp4Path = tsPath + ".cmaf.mp4";
        try
        {
            try
            {
                await ffmpeg.RunFfmpegAsync(FfmpegArguments.CmafRemux(tsPath, mp4Path, options.Value), options.Value.TaskTimeoutFloor, null, cancellationToken,
                    task: new FfmpegTask("cmaf")).ConfigureAwait(false);
            }
            catch (MediaToolException failed)
            {
                // The encoder closed a segment FFmpeg cannot read back: it has no whole frame, which happens where the
                // source's samples end early. Say so, as the chunk's own segment count check would.
                throw new MediaToolException($"Segment {index} could not be packaged as CMAF ({failed.Message}); the source may be damaged.", failed.StderrTail);
            }
            var clear = CmafFragment.Split(await File.ReadAllBytesAsync(mp4Path, cancellationToken).ConfigureAwait(false), index + 1);
            var init = CencPackager.ProtectInit(clear.Init, key.KeyId);
            return clear with
            {
                Init = init,
                Media = CencPackager.EncryptMedia(clear.Media, key.Key, CencPackager.NalLengthSize(clear.Init)),
                KeyId = CmafFragment.KeyId(init),
            };
        }
        finally
        {
            File.Delete(mp4Path);
        }
    }
}
