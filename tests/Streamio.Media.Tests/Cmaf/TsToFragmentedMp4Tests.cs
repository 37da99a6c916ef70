using Streamio.Media.Cmaf;
using Streamio.Testing;

namespace Streamio.Media.Tests.Cmaf;

/// <summary>The in-process remux's readers on their own: the SPS fields an MP4 track needs, and segments it refuses.</summary>
public sealed class TsToFragmentedMp4Tests : IDisposable
{
    private readonly TempDirectory _temp = new("ts-remux");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void An_sps_gives_profile_level_picture_size_aspect_and_frame_length_through_its_emulation_prevention_bytes()
    {
        // x264's SPS for 640x360 High@3.0 at 30 fps (the 00 00 03 inside is an emulation prevention byte).
        var sps = H264Access.ParseSps(Convert.FromHexString("6764001EACD940A02FF970110000030001000003003C0F162D96"));

        Assert.Equal((100, 30, 1, 8), (sps.Profile, sps.Level, sps.ChromaFormat, sps.BitDepthLuma));
        Assert.Equal((640, 360), (sps.Width, sps.Height));
        Assert.Equal((1, 1), (sps.SarWidth, sps.SarHeight));
        Assert.Equal(3000, sps.TicksPerFrame90k);
        Assert.True(sps.HasAvcCExtension);
    }

    [Fact]
    public void Start_codes_of_three_and_four_bytes_split_an_access_unit_and_become_four_byte_lengths()
    {
        byte[] annexB = [0, 0, 0, 1, 0x09, 0xF0, 0, 0, 1, 0x65, 0xAA, 0xBB, 0, 0, 0, 1, 0x41, 0xCC];
        var units = H264Access.NalUnits(annexB);

        Assert.Equal(["09F0", "65AABB", "41CC"], units.Select(unit => Convert.ToHexString(unit)));
        Assert.Equal(Convert.FromHexString("0000000209F0" + "0000000365AABB" + "0000000241CC"), H264Access.ToSample(units));
    }

    [Fact]
    public async Task A_segment_with_audio_and_video_together_or_cut_short_or_not_ts_is_refused_saying_why()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 2));
        var muxed = Path.Combine(_temp.Path, "muxed.ts");
        await FfmpegTools.FfmpegAsync("-v", "error", "-y", "-i", clip, "-c:v", "libx264", "-c:a", "aac", "-f", "mpegts", muxed);
        var bytes = await File.ReadAllBytesAsync(muxed);

        Assert.Contains("more than one", Assert.Throws<InvalidDataException>(() => TsToFragmentedMp4.Remux(bytes)).Message);
        Assert.Contains("188-byte", Assert.Throws<InvalidDataException>(() => TsToFragmentedMp4.Remux(bytes.AsSpan(0, 1000))).Message);
        Assert.Contains("sync byte", Assert.Throws<InvalidDataException>(() => TsToFragmentedMp4.Remux(new byte[188 * 2])).Message);
    }
}
