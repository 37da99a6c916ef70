using System.Xml.Linq;
using Streamio.Media.Cmaf;
using Streamio.Media.Dash;

namespace Streamio.Media.Tests.Cmaf;

public sealed class DashMpdTests
{
    private static readonly XNamespace Mpd = "urn:mpeg:dash:schema:mpd:2011";
    private static readonly byte[] VideoKid = Convert.FromHexString("00112233445566778899aabbccddeeff");
    private static readonly byte[] HighKid = Convert.FromHexString("ffeeddccbbaa99887766554433221100");
    private static readonly byte[] AudioKid = Convert.FromHexString("0123456789abcdef0123456789abcdef");

    private static IReadOnlyList<CmafTrack> Tracks() =>
    [
        // Listed high first: the MPD orders rungs lowest first.
        new CmafTrack("720p", false, 1280, 720, 3000, 90000, [126000, 486000, 846000], [4, 4, 2.5], HighKid),
        new CmafTrack("360p", false, 640, 360, 800, 90000, [126000, 486000, 846000], [4, 4, 2.5], VideoKid),
        new CmafTrack("audio", true, 0, 0, 128, 48000, [66176, 258176, 450176], [4, 4, 2.52], AudioKid),
    ];

    private static XDocument Vod(string license = "https://media.example/play/v_1/license?token=a&b") =>
        XDocument.Parse(DashMpd.Render(DashVod.Manifest(Tracks(), 30, 4, license,
            rendition => $"{rendition}/init.mp4?token=t&x=1", rendition => $"{rendition}/$Number$.m4s?token=t&x=1")));

    [Fact]
    public void A_finished_video_is_a_static_mpd_with_its_duration_and_one_period()
    {
        var mpd = Vod().Root!;
        Assert.Equal(Mpd + "MPD", mpd.Name);
        Assert.Equal("static", (string?)mpd.Attribute("type"));
        Assert.Equal("PT10.5S", (string?)mpd.Attribute("mediaPresentationDuration"));
        Assert.Equal("PT4S", (string?)mpd.Attribute("minBufferTime"));
        Assert.Equal(DashMpd.LiveProfile, (string?)mpd.Attribute("profiles"));
        Assert.Null(mpd.Attribute("availabilityStartTime"));
        Assert.Single(mpd.Elements(Mpd + "Period"));
    }

    [Fact]
    public void Video_rungs_share_one_adaptation_set_lowest_first_and_audio_has_its_own()
    {
        var sets = Vod().Root!.Element(Mpd + "Period")!.Elements(Mpd + "AdaptationSet").ToList();
        Assert.Equal(["video", "audio"], sets.Select(set => (string?)set.Attribute("contentType")));
        Assert.Equal(["video/mp4", "audio/mp4"], sets.Select(set => (string?)set.Attribute("mimeType")));
        var videos = sets[0].Elements(Mpd + "Representation").ToList();
        Assert.Equal(["360p", "720p"], videos.Select(r => (string?)r.Attribute("id")));
        Assert.Equal(["640", "1280"], videos.Select(r => (string?)r.Attribute("width")));
        Assert.Equal(["avc1.640028", "avc1.640028"], videos.Select(r => (string?)r.Attribute("codecs")));
        Assert.Equal("880000", (string?)videos[0].Attribute("bandwidth"));
        Assert.Equal("30", (string?)videos[0].Attribute("frameRate"));
        var audio = sets[1].Element(Mpd + "Representation")!;
        Assert.Equal("mp4a.40.2", (string?)audio.Attribute("codecs"));
        Assert.Equal("48000", (string?)audio.Attribute("audioSamplingRate"));
        Assert.Equal("2", (string?)audio.Element(Mpd + "AudioChannelConfiguration")!.Attribute("value"));
    }

    [Fact]
    public void Each_set_announces_cenc_with_its_default_kid_and_clearkey_with_the_license_url()
    {
        XNamespace cenc = "urn:mpeg:cenc:2013";
        XNamespace dashif = "https://dashif.org/CPS";
        var sets = Vod().Root!.Element(Mpd + "Period")!.Elements(Mpd + "AdaptationSet").ToList();
        var protections = sets[0].Elements(Mpd + "ContentProtection").ToList();
        Assert.Equal(["urn:mpeg:dash:mp4protection:2011", "urn:uuid:e2719d58-a985-b3c9-781a-b030af78d30e"],
            protections.Select(p => (string?)p.Attribute("schemeIdUri")));
        Assert.Equal("cenc", (string?)protections[0].Attribute("value"));
        Assert.Equal("00112233-4455-6677-8899-aabbccddeeff", (string?)protections[0].Attribute(cenc + "default_KID"));
        Assert.Equal("https://media.example/play/v_1/license?token=a&b", (string?)protections[1].Element(dashif + "Laurl"));
        // The rung under another key says so on its representation; the set's KID is the lowest rung's.
        var high = sets[0].Elements(Mpd + "Representation").Single(r => (string?)r.Attribute("id") == "720p");
        Assert.Equal("ffeeddcc-bbaa-9988-7766-554433221100", (string?)high.Element(Mpd + "ContentProtection")!.Attribute(cenc + "default_KID"));
        Assert.Null(sets[0].Elements(Mpd + "Representation").First().Element(Mpd + "ContentProtection"));
        Assert.Equal("01234567-89ab-cdef-0123-456789abcdef",
            (string?)sets[1].Element(Mpd + "ContentProtection")!.Attribute(cenc + "default_KID"));
        // The prefix dash.js looks for.
        Assert.Contains("<dashif:Laurl>https://media.example/play/v_1/license?token=a&amp;b</dashif:Laurl>",
            DashMpd.Render(DashVod.Manifest(Tracks(), 30, 4, "https://media.example/play/v_1/license?token=a&b", r => $"{r}/init.mp4", r => $"{r}/$Number$.m4s")));
    }

    [Fact]
    public void Templates_carry_the_token_and_a_timeline_of_each_segments_start_and_length_from_period_start()
    {
        var representations = Vod().Root!.Descendants(Mpd + "Representation").ToList();
        var video = representations.Single(r => (string?)r.Attribute("id") == "360p").Element(Mpd + "SegmentTemplate")!;
        Assert.Equal("360p/init.mp4?token=t&x=1", (string?)video.Attribute("initialization"));
        Assert.Equal("360p/$Number$.m4s?token=t&x=1", (string?)video.Attribute("media"));
        Assert.Equal("0", (string?)video.Attribute("startNumber"));
        Assert.Equal("90000", (string?)video.Attribute("timescale"));
        // Period time 0 is the first video segment's start.
        Assert.Equal("126000", (string?)video.Attribute("presentationTimeOffset"));
        Assert.Equal(["t=126000 d=360000 r=1", "d=225000"], Timeline(video));

        var audio = representations.Single(r => (string?)r.Attribute("id") == "audio").Element(Mpd + "SegmentTemplate")!;
        Assert.Equal("67200", (string?)audio.Attribute("presentationTimeOffset"));
        Assert.Equal(["t=66176 d=192000 r=1", "d=120960"], Timeline(audio));
    }

    [Fact]
    public void A_gap_in_the_timeline_restarts_with_an_explicit_start()
    {
        var segments = new DashSegmentTemplate(1000, "i", "$Number$.m4s", 0, 0, [new DashSegment(0, 4000), new DashSegment(4000, 4000), new DashSegment(9000, 4000)]);
        var manifest = new DashManifest([new DashAdaptationSet("video", "video/mp4", [new DashRepresentation("v", "avc1.640028", 1, segments)])]) { DurationSeconds = 13 };
        var template = XDocument.Parse(DashMpd.Render(manifest)).Descendants(Mpd + "SegmentTemplate").Single();
        Assert.Equal(["t=0 d=4000 r=1", "t=9000 d=4000"], Timeline(template));
    }

    [Fact]
    public void The_same_model_renders_a_dynamic_mpd_for_live()
    {
        var started = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
        var template = new DashSegmentTemplate(90000, "v/init.mp4", "v/$Number$.m4s", 40, 0,
            [new DashSegment(14_400_000, 180_000), new DashSegment(14_580_000, 180_000), new DashSegment(14_760_000, 180_000)]);
        var manifest = new DashManifest([new DashAdaptationSet("video", "video/mp4", [new DashRepresentation("v", "avc1.640028", 3_300_000, template)])])
        {
            Type = DashPresentationType.Dynamic,
            AvailabilityStartTime = started,
            PublishTime = started.AddMinutes(3),
            MinimumUpdatePeriodSeconds = 2,
            TimeShiftBufferDepthSeconds = 60,
            SuggestedPresentationDelaySeconds = 6,
        };

        var mpd = XDocument.Parse(DashMpd.Render(manifest)).Root!;
        Assert.Equal("dynamic", (string?)mpd.Attribute("type"));
        Assert.Equal("2026-12-01T10:00:00.000Z", (string?)mpd.Attribute("availabilityStartTime"));
        Assert.Equal("2026-12-01T10:03:00.000Z", (string?)mpd.Attribute("publishTime"));
        Assert.Equal("PT2S", (string?)mpd.Attribute("minimumUpdatePeriod"));
        Assert.Equal("PT60S", (string?)mpd.Attribute("timeShiftBufferDepth"));
        Assert.Equal("PT6S", (string?)mpd.Attribute("suggestedPresentationDelay"));
        Assert.Null(mpd.Attribute("mediaPresentationDuration"));
        var segmentTemplate = mpd.Descendants(Mpd + "SegmentTemplate").Single();
        Assert.Equal("40", (string?)segmentTemplate.Attribute("startNumber"));
        // Every entry says where it starts: a live window needs no arithmetic from the first.
        Assert.Equal(["t=14400000 d=180000", "t=14580000 d=180000", "t=14760000 d=180000"], Timeline(segmentTemplate));
        Assert.Empty(mpd.Descendants(Mpd + "ContentProtection"));
    }

    [Fact]
    public void Incomplete_models_are_refused()
    {
        var set = new DashAdaptationSet("video", "video/mp4",
            [new DashRepresentation("v", "avc1.640028", 1, new DashSegmentTemplate(90000, "i", "$Number$.m4s", 0, 0, [new DashSegment(0, 1)]))]);
        Assert.Throws<ArgumentException>(() => DashMpd.Render(new DashManifest([set])));
        Assert.Throws<ArgumentException>(() => DashMpd.Render(new DashManifest([set]) { Type = DashPresentationType.Dynamic }));
        Assert.Throws<ArgumentException>(() => DashMpd.Render(new DashManifest([]) { DurationSeconds = 1 }));
        var noNumber = set with { Representations = [set.Representations[0] with { Segments = set.Representations[0].Segments with { Media = "x.m4s" } }] };
        Assert.Throws<ArgumentException>(() => DashMpd.Render(new DashManifest([noNumber]) { DurationSeconds = 1 }));
        Assert.Throws<ArgumentException>(() => DashVod.Manifest([], 30, 4, "l", r => r, r => r));
    }

    [Fact]
    public void Durations_and_frame_rates_are_written_as_the_schema_spells_them()
    {
        Assert.Equal("PT0.033S", DashMpd.Duration(1 / 30.0));
        Assert.Equal("PT3600S", DashMpd.Duration(3600));
        Assert.Equal("25", DashMpd.FrameRate(25));
        Assert.Equal("29970/1000", DashMpd.FrameRate(29.97));
        Assert.Equal("00112233-4455-6677-8899-aabbccddeeff", CencKey.Uuid(VideoKid));
    }

    private static List<string> Timeline(XElement template) =>
        template.Element(Mpd + "SegmentTimeline")!.Elements(Mpd + "S")
            .Select(s => string.Join(' ', s.Attributes().Select(a => $"{a.Name.LocalName}={a.Value}"))).ToList();
}
