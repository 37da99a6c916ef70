using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Streamio.Media.Cmaf;

namespace Streamio.Media.Dash;

/// <summary>
/// Writes a <see cref="DashManifest"/> as an MPD (ISO/IEC 23009-1, live profile: segment templates). Pure: URLs arrive
/// built (the caller puts the playback token in them), numbers are invariant. A SegmentTimeline folds runs of equal,
/// back-to-back segments into <c>r</c>; a static MPD writes <c>t</c> only where a segment does not follow the one
/// before, a dynamic one on every entry (players reading a sliding window need no arithmetic to place them).
/// </summary>
public static class DashMpd
{
    public static readonly XNamespace Mpd = "urn:mpeg:dash:schema:mpd:2011";
    public static readonly XNamespace Cenc = "urn:mpeg:cenc:2013";

    /// <summary>DASH-IF's namespace for <c>Laurl</c>, the license server URL dash.js reads (prefix "dashif").</summary>
    public static readonly XNamespace DashIf = "https://dashif.org/CPS";

    public const string Mp4ProtectionScheme = "urn:mpeg:dash:mp4protection:2011";
    public const string ClearKeyScheme = "urn:uuid:e2719d58-a985-b3c9-781a-b030af78d30e";
    public const string LiveProfile = "urn:mpeg:dash:profile:isoff-live:2011";
    public const string UtcDirectScheme = "urn:mpeg:dash:utc:direct:2014";

    public static string Render(DashManifest manifest)
    {
        Validate(manifest);
        var dynamic = manifest.Type == DashPresentationType.Dynamic;
        var root = new XElement(Mpd + "MPD",
            new XAttribute(XNamespace.Xmlns + "cenc", Cenc),
            new XAttribute(XNamespace.Xmlns + "dashif", DashIf),
            new XAttribute("profiles", LiveProfile),
            new XAttribute("type", dynamic ? "dynamic" : "static"),
            new XAttribute("minBufferTime", Duration(manifest.MinBufferSeconds)));
        if (manifest.DurationSeconds is { } duration)
        {
            root.Add(new XAttribute("mediaPresentationDuration", Duration(duration)));
        }

        if (dynamic)
        {
            root.Add(new XAttribute("availabilityStartTime", DateTime(manifest.AvailabilityStartTime!.Value)));
            root.Add(new XAttribute("publishTime", DateTime(manifest.PublishTime!.Value)));
            Optional(root, "minimumUpdatePeriod", manifest.MinimumUpdatePeriodSeconds);
            Optional(root, "timeShiftBufferDepth", manifest.TimeShiftBufferDepthSeconds);
            Optional(root, "suggestedPresentationDelay", manifest.SuggestedPresentationDelaySeconds);
        }

        var period = new XElement(Mpd + "Period", new XAttribute("id", "0"), new XAttribute("start", "PT0S"));
        foreach (var set in manifest.AdaptationSets)
        {
            period.Add(AdaptationSet(set, dynamic));
        }

        root.Add(period);
        if (dynamic && manifest.ServerTime is { } serverTime)
        {
            root.Add(new XElement(Mpd + "UTCTiming", new XAttribute("schemeIdUri", UtcDirectScheme), new XAttribute("value", DateTime(serverTime))));
        }

        var document = new XDocument(new XDeclaration("1.0", "utf-8", null), root);
        using var writer = new Utf8StringWriter();
        using (var xml = XmlWriter.Create(writer, new XmlWriterSettings { Indent = true, NewLineChars = "\n" }))
        {
            document.Save(xml);
        }

        return writer.ToString() + "\n";
    }

    private static XElement AdaptationSet(DashAdaptationSet set, bool dynamic)
    {
        var element = new XElement(Mpd + "AdaptationSet",
            new XAttribute("contentType", set.ContentType),
            new XAttribute("mimeType", set.MimeType),
            new XAttribute("segmentAlignment", "true"),
            new XAttribute("startWithSAP", "1"));
        if (set.Language is { } language)
        {
            element.Add(new XAttribute("lang", language));
        }

        if (set.Protection is { } protection)
        {
            element.Add(Mp4Protection(protection.DefaultKeyId));
            element.Add(new XElement(Mpd + "ContentProtection",
                new XAttribute("schemeIdUri", ClearKeyScheme),
                new XAttribute("value", "ClearKey1.0"),
                new XElement(DashIf + "Laurl", protection.LicenseUrl)));
        }

        foreach (var representation in set.Representations)
        {
            element.Add(Representation(representation, set.Protection, dynamic));
        }

        return element;
    }

    private static XElement Representation(DashRepresentation representation, DashProtection? protection, bool dynamic)
    {
        var element = new XElement(Mpd + "Representation",
            new XAttribute("id", representation.Id),
            new XAttribute("bandwidth", Invariant(representation.BandwidthBitsPerSecond)),
            new XAttribute("codecs", representation.Codecs));
        Optional(element, "width", representation.Width);
        Optional(element, "height", representation.Height);
        if (representation.FrameRate is { } rate && rate > 0)
        {
            element.Add(new XAttribute("frameRate", FrameRate(rate)));
        }

        Optional(element, "audioSamplingRate", representation.AudioSamplingRate);
        if (representation.AudioChannels is { } channels)
        {
            element.Add(new XElement(Mpd + "AudioChannelConfiguration",
                new XAttribute("schemeIdUri", "urn:mpeg:dash:23003:3:audio_channel_configuration:2011"),
                new XAttribute("value", Invariant(channels))));
        }

        // A representation under its own key says so; players that read only the set's KID get every key of the
        // video from one license request.
        if (protection is not null && representation.KeyId is { } keyId && !keyId.AsSpan().SequenceEqual(protection.DefaultKeyId))
        {
            element.Add(Mp4Protection(keyId));
        }

        element.Add(SegmentTemplate(representation.Segments, dynamic));
        return element;
    }

    private static XElement Mp4Protection(byte[] keyId) =>
        new(Mpd + "ContentProtection",
            new XAttribute("schemeIdUri", Mp4ProtectionScheme),
            new XAttribute("value", "cenc"),
            new XAttribute(Cenc + "default_KID", CencKey.Uuid(keyId)));

    private static XElement SegmentTemplate(DashSegmentTemplate template, bool dynamic)
    {
        var timeline = new XElement(Mpd + "SegmentTimeline");
        long? expected = null;
        XElement? run = null;
        var repeats = 0;
        DashSegment previous = default;
        foreach (var segment in template.Timeline)
        {
            var follows = expected == segment.Start;
            if (run is not null && follows && segment.Duration == previous.Duration && !dynamic)
            {
                repeats++;
                run.SetAttributeValue("r", Invariant(repeats));
            }
            else
            {
                run = new XElement(Mpd + "S");
                if (!follows || dynamic)
                {
                    run.Add(new XAttribute("t", Invariant(segment.Start)));
                }

                run.Add(new XAttribute("d", Invariant(segment.Duration)));
                timeline.Add(run);
                repeats = 0;
            }

            previous = segment;
            expected = segment.Start + segment.Duration;
        }

        return new XElement(Mpd + "SegmentTemplate",
            new XAttribute("timescale", Invariant(template.Timescale)),
            new XAttribute("presentationTimeOffset", Invariant(template.PresentationTimeOffset)),
            new XAttribute("startNumber", Invariant(template.StartNumber)),
            new XAttribute("initialization", template.Initialization),
            new XAttribute("media", template.Media),
            timeline);
    }

    private static void Validate(DashManifest manifest)
    {
        if (manifest.AdaptationSets.Count == 0 || manifest.AdaptationSets.Any(set => set.Representations.Count == 0))
        {
            throw new ArgumentException("An MPD needs at least one adaptation set, and each at least one representation.", nameof(manifest));
        }

        if (manifest.Type == DashPresentationType.Static && manifest.DurationSeconds is not > 0)
        {
            throw new ArgumentException("A static MPD needs its duration.", nameof(manifest));
        }

        if (manifest.Type == DashPresentationType.Dynamic && (manifest.AvailabilityStartTime is null || manifest.PublishTime is null))
        {
            throw new ArgumentException("A dynamic MPD needs availabilityStartTime and publishTime.", nameof(manifest));
        }

        foreach (var template in manifest.AdaptationSets.SelectMany(set => set.Representations).Select(r => r.Segments))
        {
            if (template.Timescale <= 0 || !template.Media.Contains("$Number$", StringComparison.Ordinal)
                || template.Timeline.Any(segment => segment.Duration <= 0))
            {
                throw new ArgumentException("A segment template needs a positive timescale, $Number$ in its media URL and positive durations.", nameof(manifest));
            }
        }
    }

    private static void Optional(XElement element, string name, int? value)
    {
        if (value is { } present)
        {
            element.Add(new XAttribute(name, Invariant(present)));
        }
    }

    private static void Optional(XElement element, string name, double? seconds)
    {
        if (seconds is { } present)
        {
            element.Add(new XAttribute(name, Duration(present)));
        }
    }

    /// <summary>An xs:duration in seconds, to the millisecond: "PT12.345S".</summary>
    public static string Duration(double seconds) =>
        "PT" + Math.Round(seconds, 3).ToString("0.###", CultureInfo.InvariantCulture) + "S";

    /// <summary>An xs:dateTime in UTC to the millisecond.</summary>
    public static string DateTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Whole rates as integers ("30"), others as a fraction of 1000 ("29970/1000").</summary>
    public static string FrameRate(double rate) =>
        Math.Abs(rate - Math.Round(rate)) < 1e-3 ? Invariant((long)Math.Round(rate)) : $"{Invariant((long)Math.Round(rate * 1000))}/1000";

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed class Utf8StringWriter : StringWriter
    {
        public Utf8StringWriter()
            : base(CultureInfo.InvariantCulture)
        {
        }

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;
    }
}
