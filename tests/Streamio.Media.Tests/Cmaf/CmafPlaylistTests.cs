namespace Streamio.Media.Tests.Cmaf;

public sealed class CmafPlaylistTests
{
    [Fact]
    public void A_cmaf_media_playlist_maps_the_init_and_names_the_kid_for_clearkey()
    {
        var kid = Convert.FromHexString("00112233445566778899aabbccddeeff");
        var text = HlsPlaylists.CmafMedia([4, 4, 2.5], 4, kid, "360p/init.mp4?token=t", i => $"360p/{i}.m4s?token=t");
        Assert.Equal(
            "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-INDEPENDENT-SEGMENTS\n"
            + "#EXT-X-KEY:METHOD=SAMPLE-AES-CTR,URI=\"data:text/plain;base64,ABEiM0RVZneImaq7zN3u/w==\",KEYFORMAT=\"org.w3.clearkey\",KEYFORMATVERSIONS=\"1\"\n"
            + "#EXT-X-MAP:URI=\"360p/init.mp4?token=t\"\n"
            + "#EXTINF:4.000000,\n360p/0.m4s?token=t\n#EXTINF:4.000000,\n360p/1.m4s?token=t\n#EXTINF:2.500000,\n360p/2.m4s?token=t\n#EXT-X-ENDLIST\n",
            text);
    }

    [Fact]
    public void The_cmaf_master_is_the_ts_master_at_version_7()
    {
        MasterVideoEntry[] videos = [new("360p.m3u8?token=t", 640, 360, 800, 30)];
        var audio = new MasterAudioEntry("audio.m3u8?token=t", 128);
        Assert.Equal(HlsPlaylists.Master(videos, audio).Replace("#EXT-X-VERSION:3", "#EXT-X-VERSION:7", StringComparison.Ordinal), HlsPlaylists.CmafMaster(videos, audio));
    }
}
