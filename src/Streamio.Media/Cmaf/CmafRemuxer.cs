using Microsoft.Extensions.Options;

namespace Streamio.Media.Cmaf;

/// <summary>
/// Turns a closed TS segment into its CMAF twin: FFmpeg copies the frames into CENC-encrypted fragmented MP4 (no
/// second encode), then the file is cut into the init and the media segment.
/// </summary>
public sealed class CmafRemuxer(FfmpegRunner ffmpeg, IOptions<FfmpegOptions> options)
{
    /// <summary>Remuxes <paramref name="tsPath"/> (left in place) into segment <paramref name="index"/>; nothing is left on disk.</summary>
    public async Task<CmafParts> RemuxAsync(string tsPath, int index, CencKey key, CancellationToken cancellationToken)
    {
        var mp4Path = tsPath + ".cmaf.mp4";
        try
        {
            await ffmpeg.RunFfmpegAsync(FfmpegArguments.CmafRemux(tsPath, mp4Path, key, options.Value), options.Value.TaskTimeoutFloor, null, cancellationToken,
                task: new FfmpegTask("cmaf")).ConfigureAwait(false);
            var parts = CmafFragment.Split(await File.ReadAllBytesAsync(mp4Path, cancellationToken).ConfigureAwait(false), index + 1);
            if (parts.KeyId is not { } kid || !kid.AsSpan().SequenceEqual(key.KeyId))
            {
                throw new InvalidDataException($"FFmpeg's CMAF output for segment {index} does not carry the rendition's key id.");
            }

            return parts;
        }
        finally
        {
            File.Delete(mp4Path);
        }
    }
}
