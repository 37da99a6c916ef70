namespace Streamio.Media.Cmaf;

/// <summary>
/// Turns a closed TS segment into its CMAF twin: its frames are repackaged as fragmented MP4 in process (no second
/// encode, no FFmpeg run), cut into the init and the media segment, and both are protected with CENC under the
/// rendition's key.
/// </summary>
public sealed class CmafRemuxer
{
    /// <summary>Remuxes <paramref name="tsPath"/> (left in place) into segment <paramref name="index"/>.</summary>
    public async Task<CmafParts> RemuxAsync(string tsPath, int index, CencKey key, CancellationToken cancellationToken)
    {
        var ts = await File.ReadAllBytesAsync(tsPath, cancellationToken).ConfigureAwait(false);
        CmafParts clear;
        try
        {
            clear = CmafFragment.Split(TsToFragmentedMp4.Remux(ts), index + 1);
        }
        catch (InvalidDataException failed)
        {
            // The encoder closed a segment that cannot be read back, such as one without a whole frame where the
            // source's samples end early. Say so, as the chunk's own segment count check would.
            throw new MediaToolException($"Segment {index} could not be packaged as CMAF ({failed.Message}); the source may be damaged.", failed.Message);
        }

        var init = CencPackager.ProtectInit(clear.Init, key.KeyId);
        return clear with
        {
            Init = init,
            Media = CencPackager.EncryptMedia(clear.Media, key.Key, CencPackager.NalLengthSize(clear.Init)),
            KeyId = CmafFragment.KeyId(init),
        };
    }
}
