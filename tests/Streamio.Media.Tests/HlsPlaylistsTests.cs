namespace Streamio.Media.Tests;

public sealed class HlsPlaylistsTests
{
    [Fact]
    public void Master_lists_the_audio_group_then_variants_lowest_first()
    {
        var master = HlsPlaylists.Master(
            [
                new MasterVideoEntry("720p.m3u8?t=tok", 1280, 720, 3000, 30),
                new MasterVideoEntry("360p.m3u8?t=tok", 640, 360, 800, 29.97),
                new MasterVideoEntry("2160p.m3u8?t=tok", 3840, 2160, 12000, 60),
            ],
            new MasterAudioEntry("audio.m3u8?t=tok", 128));

        Assert.Equal(
            """
            #EXTM3U
            #EXT-X-VERSION:3
            #EXT-X-INDEPENDENT-SEGMENTS
            #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="Audio",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio.m3u8?t=tok"
            #EXT-X-STREAM-INF:BANDWIDTH=1020800,AVERAGE-BANDWIDTH=974400,RESOLUTION=640x360,FRAME-RATE=29.970,CODECS="avc1.640028,mp4a.40.2",AUDIO="audio"
            360p.m3u8?t=tok
            #EXT-X-STREAM-INF:BANDWIDTH=3440800,AVERAGE-BANDWIDTH=3284400,RESOLUTION=1280x720,FRAME-RATE=30.000,CODECS="avc1.640028,mp4a.40.2",AUDIO="audio"
            720p.m3u8?t=tok
            #EXT-X-STREAM-INF:BANDWIDTH=13340800,AVERAGE-BANDWIDTH=12734400,RESOLUTION=3840x2160,FRAME-RATE=60.000,CODECS="avc1.640033,mp4a.40.2",AUDIO="audio"
            2160p.m3u8?t=tok

            """.ReplaceLineEndings("\n"),
            master);
    }

    [Fact]
    public void Master_without_audio_has_no_group_and_video_only_codecs()
    {
        var master = HlsPlaylists.Master([new MasterVideoEntry("v/360p.m3u8", 640, 360, 800, 25)], audio: null);

        Assert.Equal(
            """
            #EXTM3U
            #EXT-X-VERSION:3
            #EXT-X-INDEPENDENT-SEGMENTS
            #EXT-X-STREAM-INF:BANDWIDTH=880000,AVERAGE-BANDWIDTH=840000,RESOLUTION=640x360,FRAME-RATE=25.000,CODECS="avc1.640028"
            v/360p.m3u8

            """.ReplaceLineEndings("\n"),
            master);
    }

    [Fact]
    public void Media_while_encoding_is_an_event_playlist_with_a_key_line_per_segment()
    {
        var media = HlsPlaylists.Media([4, 4.004], 4, complete: false, "https://x/keys/360p?t=tok", i => $"https://x/seg/{i}.ts?t=tok");

        Assert.Equal(
            """
            #EXTM3U
            #EXT-X-VERSION:3
            #EXT-X-TARGETDURATION:5
            #EXT-X-MEDIA-SEQUENCE:0
            #EXT-X-PLAYLIST-TYPE:EVENT
            #EXT-X-KEY:METHOD=AES-128,URI="https://x/keys/360p?t=tok",IV=0x00000000000000000000000000000000
            #EXTINF:4.000000,
            https://x/seg/0.ts?t=tok
            #EXT-X-KEY:METHOD=AES-128,URI="https://x/keys/360p?t=tok",IV=0x00000000000000000000000000000001
            #EXTINF:4.004000,
            https://x/seg/1.ts?t=tok

            """.ReplaceLineEndings("\n"),
            media);
    }

    [Fact]
    public void Media_when_complete_is_vod_with_endlist()
    {
        var media = HlsPlaylists.Media([4, 4, 1.5], 4, complete: true, "k", i => $"{i}.ts");

        Assert.Equal(
            """
            #EXTM3U
            #EXT-X-VERSION:3
            #EXT-X-TARGETDURATION:4
            #EXT-X-MEDIA-SEQUENCE:0
            #EXT-X-PLAYLIST-TYPE:VOD
            #EXT-X-KEY:METHOD=AES-128,URI="k",IV=0x00000000000000000000000000000000
            #EXTINF:4.000000,
            0.ts
            #EXT-X-KEY:METHOD=AES-128,URI="k",IV=0x00000000000000000000000000000001
            #EXTINF:4.000000,
            1.ts
            #EXT-X-KEY:METHOD=AES-128,URI="k",IV=0x00000000000000000000000000000002
            #EXTINF:1.500000,
            2.ts
            #EXT-X-ENDLIST

            """.ReplaceLineEndings("\n"),
            media);
    }

    [Fact]
    public void Media_with_no_segments_yet_still_has_a_target_duration()
    {
        var media = HlsPlaylists.Media([], 4, complete: false, "k", i => $"{i}.ts");

        Assert.Equal("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:EVENT\n", media);
    }

    [Fact]
    public void Numbers_are_invariant_whatever_the_culture()
    {
        var previous = Thread.CurrentThread.CurrentCulture;
        try
        {
            // A comma-decimal culture (the build runs with invariant globalization, so one is made by hand).
            var comma = (System.Globalization.CultureInfo)System.Globalization.CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            Thread.CurrentThread.CurrentCulture = comma;
            var media = HlsPlaylists.Media([3.5], 4, complete: true, "k", i => $"{i}.ts");
            Assert.Contains("#EXTINF:3.500000,", media, StringComparison.Ordinal);
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Uris_that_would_break_the_playlist_are_refused()
    {
        Assert.Throws<ArgumentException>(() => HlsPlaylists.Media([4], 4, false, "k\"", i => $"{i}.ts"));
        Assert.Throws<ArgumentException>(() => HlsPlaylists.Media([4], 4, false, "k", _ => "a\n#EXT-X-ENDLIST"));
    }
}
