using Streamio.Abstractions.Live;
using Streamio.Abstractions.Videos;
using Streamio.Host.LiveStreams;
using Streamio.Host.Playback;

namespace Streamio.Host.Tests.LiveStreams;

/// <summary>The pure parts of the live surface: publish URLs and the playlists' URIs.</summary>
public sealed class LiveRenderingTests
{
    [Fact]
    public void Publish_urls_use_the_request_host_unless_a_public_host_is_set()
    {
        var options = new LiveAddressOptions();
        var urls = LiveIngestAddresses.For(options, "k/ey+1", "stream.local");
        Assert.Equal("rtmp://stream.local:1935/live", urls.RtmpUrl);
        Assert.Equal("srt://stream.local:9000?streamid=k%2Fey%2B1", urls.SrtUrl);

        options.PublicHost = "ingest.example.com";
        options.Rtmp.Port = 1936;
        options.Srt.Port = 9001;
        options.Srt.RequirePassphrase = true;
        urls = LiveIngestAddresses.For(options, "key", "stream.local");
        Assert.Equal("rtmp://ingest.example.com:1936/live", urls.RtmpUrl);
        Assert.Equal("srt://ingest.example.com:9001?streamid=key&passphrase=key", urls.SrtUrl);

        options.PublicHost = "2001:db8::1";
        Assert.Equal("rtmp://[2001:db8::1]:1936/live", LiveIngestAddresses.For(options, "key", "x").RtmpUrl);
    }

    [Fact]
    public void The_master_lists_the_sessions_video_rungs_and_audio_with_the_token()
    {
        var session = new LiveSessionView("s_1", DateTimeOffset.UnixEpoch, null, 1, "silo", "rtmp",
            [new RenditionPlan("720p", 1280, 720, 3000, false), new RenditionPlan("360p", 640, 360, 800, false), new RenditionPlan("audio", 0, 0, 128, true)],
            2, 3.5, null, null);

        var master = LivePlaylistRendering.Master(session, "t.k");

        var uris = master.Split('\n').Where(line => line.Length > 0 && !line.StartsWith('#')).ToList();
        Assert.Equal(["360p.m3u8?token=t.k", "720p.m3u8?token=t.k"], uris);
        Assert.Contains("URI=\"audio.m3u8?token=t.k\"", master);
        Assert.DoesNotContain("FRAME-RATE", master);
    }

    [Fact]
    public void Media_uris_name_the_session_so_a_new_session_never_reuses_a_cached_segment()
    {
        var start = new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero);
        var playlist = new LivePlaylistView("s_2", "360p",
            [new LiveSegment(7, 2, false, start), new LiveSegment(8, 2, true, start.AddSeconds(2))], 2, Ended: true);

        var text = LivePlaylistRendering.Media(playlist, "a b");

        Assert.Contains("#EXT-X-MEDIA-SEQUENCE:7\n", text);
        Assert.Contains("s_2/360p/7.ts?token=a%20b\n", text);
        Assert.Contains("URI=\"s_2/360p.key?token=a%20b\"", text);
        Assert.Contains("#EXT-X-DISCONTINUITY\n", text);
        Assert.EndsWith("#EXT-X-ENDLIST\n", text);
    }
}
