using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Streamio.Telemetry;

/// <summary>
/// Streamio's own traces and metrics: one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named
/// <see cref="Name"/>, and every instrument Streamio records. Static because instruments are process-wide anyway (an
/// OpenTelemetry provider listens to meters and sources by name) and one node runs per process in production. With
/// no listener, starting a span returns null and recording a measurement does nothing, so this costs nothing when
/// telemetry is off.
/// </summary>
public static class StreamioTelemetry
{
    public const string Name = "Streamio";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    private static readonly double[] SecondsBuckets = [0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600];
    private static readonly double[] SpeedBuckets = [0.25, 0.5, 1, 1.5, 2, 3, 4, 6, 8, 12, 16, 32];

    public static readonly Counter<long> Uploads = Meter.CreateCounter<long>(
        "streamio.uploads", "{upload}", "Videos created from a stored source, by the way it came in (attribute source: upload or ingest).");

    public static readonly Counter<long> UploadBytes = Meter.CreateCounter<long>(
        "streamio.upload.bytes", "By", "Bytes of the sources of created videos (attribute source: upload or ingest).");

    public static readonly Histogram<double> TimeToPlayable = Meter.CreateHistogram(
        "streamio.video.time_to_playable", "s", "From the video's creation (its upload stored) to playable.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });

    public static readonly Histogram<double> TimeToReady = Meter.CreateHistogram(
        "streamio.video.time_to_ready", "s", "From the video's creation (its upload stored) to ready.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });

    public static readonly Counter<long> VideosFailed = Meter.CreateCounter<long>(
        "streamio.videos.failed", "{video}", "Videos that failed, by the kind of work that failed them (attribute kind).");

    public static readonly Histogram<double> EncodeSpeed = Meter.CreateHistogram(
        "streamio.encode.speed", unit: null, "Media seconds encoded per wall-clock second of an FFmpeg run (x real time; attribute task: chunk or audio).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SpeedBuckets });

    public static readonly Counter<long> PlaybackRequests = Meter.CreateCounter<long>(
        "streamio.playback.requests", "{request}", "Requests on tokenized playback paths (attribute resource), refused ones included.");

    public static readonly Counter<long> PlaybackDenied = Meter.CreateCounter<long>(
        "streamio.playback.denied", "{request}", "Playback requests refused with 403 (attribute reason: token, expired, other_video or origin).");

    public static readonly Counter<long> WebhookDeliveries = Meter.CreateCounter<long>(
        "streamio.webhook.deliveries", "{attempt}", "Webhook delivery attempts by outcome (attribute outcome: delivered, retrying or failed).");

    static StreamioTelemetry()
    {
        // The autoscaler's contract: these two names, attribute "kind", reported only by the silo hosting the scheduler.
        Meter.CreateObservableGauge("streamio.work.waiting", WorkReadings.Waiting, "{item}",
            "Work items queued (delayed retries included), per kind; reported by the silo hosting the work scheduler.");
        Meter.CreateObservableGauge("streamio.work.in_flight", WorkReadings.InFlight, "{item}",
            "Work items running on silo workers, per kind; reported by the silo hosting the work scheduler.");
        Meter.CreateObservableGauge("streamio.silo.workers.busy", WorkReadings.BusyWorkers, "{worker}",
            "This silo's workers running a work item.");
        Meter.CreateObservableGauge("streamio.silo.workers", WorkReadings.Workers, "{worker}",
            "This silo's workers (Streamio:Silo:Workers).");
    }

    /// <summary>Makes sure the observable instruments exist before a meter provider looks for them.</summary>
    public static void EnsureCreated() => _ = Meter;

    /// <summary>Attribute names shared by Streamio's spans.</summary>
    public static class Attributes
    {
        public const string VideoId = "streamio.video.id";
        public const string ProjectId = "streamio.project.id";
        public const string WorkKind = "streamio.work.kind";
        public const string WorkItem = "streamio.work.item";
        public const string WorkAttempt = "streamio.work.attempt";

        /// <summary>On a work span: the attempt was begun beside the probe (its FFmpeg run is under the probe's span).</summary>
        public const string WorkStartedEarly = "streamio.work.started_early";
        public const string FirstSegment = "streamio.chunk.first_segment";
        public const string SegmentCount = "streamio.chunk.segments";
        public const string Rendition = "streamio.rendition";
        public const string SegmentIndex = "streamio.segment.index";
        public const string FfmpegTask = "streamio.ffmpeg.task";
        public const string FfmpegSpeed = "streamio.ffmpeg.speed";
        public const string FfmpegMediaSeconds = "streamio.ffmpeg.media_seconds";
        public const string FfmpegTimedOut = "streamio.ffmpeg.timed_out";
        public const string ProcessPid = "process.pid";
        public const string ProcessExitCode = "process.exit_code";
    }
}
