namespace Streamio.Media.Tests.Live;

public sealed class LivePlaylistTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 1, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_live_window_starts_at_its_first_index_marks_the_reconnect_and_has_no_end()
    {
        List<LivePlaylistSegment> window =
        [
            new(40, 1.0, false, Start),
            new(41, 0.5, false, Start.AddSeconds(1)),
            new(42, 1.0, true, Start.AddSeconds(9.25)),
        ];

        var text = HlsPlaylists.Live(window, 1, discontinuitySequence: 2, ended: false, index => $"key?i={index}", index => $"{index}.ts?t=x");

        Assert.Equal(
            "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:40\n#EXT-X-DISCONTINUITY-SEQUENCE:2\n"
            + "#EXT-X-KEY:METHOD=AES-128,URI=\"key?i=40\",IV=0x00000000000000000000000000000028\n#EXT-X-PROGRAM-DATE-TIME:2026-12-02T01:00:00.000Z\n#EXTINF:1.000000,\n40.ts?t=x\n"
            + "#EXT-X-KEY:METHOD=AES-128,URI=\"key?i=41\",IV=0x00000000000000000000000000000029\n#EXT-X-PROGRAM-DATE-TIME:2026-12-02T01:00:01.000Z\n#EXTINF:0.500000,\n41.ts?t=x\n"
            + "#EXT-X-DISCONTINUITY\n"
            + "#EXT-X-KEY:METHOD=AES-128,URI=\"key?i=42\",IV=0x0000000000000000000000000000002A\n#EXT-X-PROGRAM-DATE-TIME:2026-12-02T01:00:09.250Z\n#EXTINF:1.000000,\n42.ts?t=x\n",
            text);
    }

    [Fact]
    public void An_ended_session_closes_the_playlist_and_a_long_segment_raises_the_target()
    {
        var text = HlsPlaylists.Live([new(0, 2.4, false, Start)], 1, 0, ended: true, _ => "k", _ => "0.ts");

        Assert.Contains("#EXT-X-TARGETDURATION:3\n", text, StringComparison.Ordinal);
        Assert.EndsWith("#EXT-X-ENDLIST\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("PLAYLIST-TYPE", text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_window_is_a_valid_playlist_that_waits_for_segments()
    {
        var text = HlsPlaylists.Live([], 1, 0, ended: false, _ => "k", _ => "s");

        Assert.Equal("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-DISCONTINUITY-SEQUENCE:0\n", text);
    }

    [Fact]
    public void A_uri_that_would_break_the_playlist_is_refused()
    {
        Assert.Throws<ArgumentException>(() => HlsPlaylists.Live([new(0, 1, false, Start)], 1, 0, false, _ => "a\"b", _ => "s"));
    }
}
