using System.Xml.Linq;
using Streamio.Media.Dash;

namespace Streamio.Media.Tests.Cmaf;

/// <summary>The MPD of a live session, from the window of its CMAF segments: dynamic while it runs, static once it ended.</summary>
public sealed class DashLiveTests
{
    private static readonly XNamespace Mpd = "urn:mpeg:dash:schema:mpd:2011";
    private static readonly DateTimeOffset Started = new(2026, 12, 2, 1, 0, 0, TimeSpan.Zero);
    private static readonly byte[] VideoKid = Convert.FromHexString("00112233445566778899aabbccddeeff");
    private static readonly byte[] AudioKid = Convert.FromHexString("0123456789abcdef0123456789abcdef");

    // A session whose window now holds segments 10 to 13 (1 s each, the session began at tfdt 1.4 s on the 90 kHz clock).
    private static IReadOnlyList<DashLiveTrack> Tracks(params DashLiveSegment[] video) =>
    [
        new DashLiveTrack("360p", false, 640, 360, 800, 90000, VideoKid, 126_000, video),
        new DashLiveTrack("audio", true, 0, 0, 128, 48000, AudioKid, 67_200,
            [.. video.Select(segment => new DashLiveSegment(segment.Index, 67_200 + (segment.Index * 48_000L), segment.DurationSeconds, segment.Discontinuity))]),
    ];

    private static DashLiveSegment[] Window(int first, int count) =>
        [.. Enumerable.Range(first, count).Select(index => new DashLiveSegment(index, 126_000 + (index * 90_000L), 1, false))];

    private static DashLiveSession Running(DateTimeOffset? ended = null) => new(Started, ended, 30, 1, 25, Started.AddSeconds(15));

    private static XElement Render(IReadOnlyList<DashLiveTrack> tracks, DashLiveSession session) =>
        XDocument.Parse(DashMpd.Render(DashLive.Manifest(tracks, session, "license?token=t", id => $"cmaf/{id}/init.mp4?token=t", id => $"cmaf/{id}/$Number$.m4s?token=t"))).Root!;

    [Fact]
    public void A_running_session_is_a_dynamic_mpd_anchored_at_its_start_with_its_dvr_window()
    {
        var mpd = Render(Tracks(Window(10, 4)), Running());

        Assert.Equal("dynamic", (string?)mpd.Attribute("type"));
        Assert.Equal("2026-12-02T01:00:00.000Z", (string?)mpd.Attribute("availabilityStartTime"));
        Assert.Equal("2026-12-02T01:00:15.000Z", (string?)mpd.Attribute("publishTime"));
        Assert.Equal("PT30S", (string?)mpd.Attribute("timeShiftBufferDepth"));
        Assert.Equal("PT1S", (string?)mpd.Attribute("minimumUpdatePeriod"));
        Assert.Equal("PT3S", (string?)mpd.Attribute("suggestedPresentationDelay"));
        Assert.Null(mpd.Attribute("mediaPresentationDuration"));
        var timing = mpd.Element(Mpd + "UTCTiming")!;
        Assert.Equal("urn:mpeg:dash:utc:direct:2014", (string?)timing.Attribute("schemeIdUri"));
        Assert.Equal("2026-12-02T01:00:15.000Z", (string?)timing.Attribute("value"));
    }

    [Fact]
    public void Segments_are_numbered_by_index_and_placed_by_their_tfdt_from_the_sessions_first_segment()
    {
        var mpd = Render(Tracks(Window(10, 4)), Running());
        var video = Template(mpd, "360p");
        Assert.Equal("10", (string?)video.Attribute("startNumber"));
        // Period time 0 is the session's first segment: segment 10 starts 10 s into the period.
        Assert.Equal("126000", (string?)video.Attribute("presentationTimeOffset"));
        Assert.Equal(["t=1026000 d=90000", "t=1116000 d=90000", "t=1206000 d=90000", "t=1296000 d=90000"], Timeline(video));
        Assert.Equal("cmaf/360p/$Number$.m4s?token=t", (string?)video.Attribute("media"));
        var audio = Template(mpd, "audio");
        Assert.Equal("67200", (string?)audio.Attribute("presentationTimeOffset"));
        Assert.Equal("t=547200 d=48000", Timeline(audio)[0]);
    }

    [Fact]
    public void A_reconnect_keeps_its_own_tfdt_and_the_segment_before_it_its_own_length()
    {
        // The second leg's timestamps go on from the first leg's length, 0.6 s after the last frame before the drop.
        DashLiveSegment[] segments =
        [
            new(4, 486_000, 1, false),
            new(5, 576_000, 0.4, false),
            new(6, 666_000, 1, true),
            new(7, 756_000, 1, false),
        ];
        var video = Template(Render(Tracks(segments), Running()), "360p");
        Assert.Equal(["t=486000 d=90000", "t=576000 d=36000", "t=666000 d=90000", "t=756000 d=90000"], Timeline(video));
    }

    [Fact]
    public void A_missing_twin_starts_the_numbered_window_after_it()
    {
        var segments = Window(10, 5).Where(segment => segment.Index != 11).ToArray();
        Assert.Equal([12, 13, 14], DashLive.NumberedTail(segments).Select(segment => segment.Index));
        Assert.Empty(DashLive.NumberedTail([]));
        var video = Template(Render(Tracks(segments), Running()), "360p");
        Assert.Equal("12", (string?)video.Attribute("startNumber"));
        Assert.Equal(3, Timeline(video).Count);
    }

    [Fact]
    public void An_ended_session_is_a_static_mpd_of_its_window_with_its_duration()
    {
        var mpd = Render(Tracks(Window(10, 4)), Running(ended: Started.AddSeconds(15)));

        Assert.Equal("static", (string?)mpd.Attribute("type"));
        Assert.Equal("PT4S", (string?)mpd.Attribute("mediaPresentationDuration"));
        Assert.Null(mpd.Attribute("availabilityStartTime"));
        Assert.Null(mpd.Attribute("minimumUpdatePeriod"));
        Assert.Null(mpd.Element(Mpd + "UTCTiming"));
        // Period time 0 is now the window's first segment.
        Assert.Equal("1026000", (string?)Template(mpd, "360p").Attribute("presentationTimeOffset"));
    }

    [Fact]
    public void A_session_without_a_video_segment_has_no_mpd()
    {
        Assert.Throws<ArgumentException>(() => DashLive.Manifest(Tracks(), Running(), "l", id => id, id => id));
        Assert.Throws<ArgumentException>(() => DashLive.Manifest([Tracks(Window(0, 1))[1]], Running(), "l", id => id, id => id));
    }

    private static XElement Template(XElement mpd, string representation) =>
        mpd.Descendants(Mpd + "Representation").Single(element => (string?)element.Attribute("id") == representation).Element(Mpd + "SegmentTemplate")!;

    private static List<string> Timeline(XElement template) =>
        template.Element(Mpd + "SegmentTimeline")!.Elements(Mpd + "S")
            .Select(s => string.Join(' ', s.Attributes().Select(a => $"{a.Name.LocalName}={a.Value}"))).ToList();
}
