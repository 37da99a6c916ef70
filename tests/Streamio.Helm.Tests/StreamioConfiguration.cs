namespace Streamio.Helm.Tests;

/// <summary>
/// The configuration keys Streamio reads, written out by hand. This list mirrors the options classes (StreamioOptions,
/// the database and cluster options, SiloOptions, StorageOptions, PlaybackOptions, AuthOptions, EncodingOptions,
/// FfmpegOptions): while they move to Orleans, the chart checks must not depend on code that is mid-refactor, so the
/// test project references no Streamio project. When an option is added, renamed or removed, change it here too.
/// </summary>
public static class StreamioConfiguration
{
    /// <summary>Every key the chart or the image may set (configuration is case-insensitive, as in .NET).</summary>
    public static IReadOnlySet<string> Keys { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        // Streamio (StreamioOptions)
        "Streamio:Roles", "Streamio:MaxUploadBytes", "Streamio:DataPath",

        // Streamio:Database: grain state and reminders (Orleans ADO.NET providers); replaces Streamio:Backbone.
        "Streamio:Database:Kind", "Streamio:Database:ConnectionString",

        // Streamio:Cluster: the Orleans cluster.
        "Streamio:Cluster:Clustering", "Streamio:Cluster:ClusterId", "Streamio:Cluster:ServiceId",
        "Streamio:Cluster:SiloPort", "Streamio:Cluster:GatewayPort", "Streamio:Cluster:AdvertisedAddress",
        "Streamio:Cluster:AzureTableConnectionString", "Streamio:Cluster:AzureTableName", "Streamio:Cluster:Kubernetes",
        "Streamio:Cluster:ProbeTimeoutSeconds", "Streamio:Cluster:NumMissedProbesLimit",
        "Streamio:Cluster:NumVotesForDeathDeclaration", "Streamio:Cluster:IAmAliveTablePublishSeconds",

        // Streamio:Silo (liveness is Orleans membership now: no lease, heartbeat, dead-after or poll settings).
        "Streamio:Silo:Workers", "Streamio:Silo:FastLaneWorkers", "Streamio:Silo:ShutdownGraceSeconds",

        // Streamio:Telemetry: /metrics for Prometheus on its own port (the chart's metrics.port; KEDA reads the work waiting from it).
        "Streamio:Telemetry:PrometheusPort",

        // Streamio:Storage (StorageOptions)
        "Streamio:Storage:Kind", "Streamio:Storage:LocalPath", "Streamio:Storage:ServiceUrl", "Streamio:Storage:Bucket",
        "Streamio:Storage:Region", "Streamio:Storage:AccessKey", "Streamio:Storage:SecretKey",
        "Streamio:Storage:ForcePathStyle", "Streamio:Storage:KeyPrefix", "Streamio:Storage:CreateBucket",
        "Streamio:Storage:PartSizeBytes",

        // Streamio:Playback (PlaybackOptions)
        "Streamio:Playback:TokenSecret", "Streamio:Playback:DefaultTtlSeconds", "Streamio:Playback:MaxTtlSeconds",
        "Streamio:Playback:SegmentDelivery", "Streamio:Playback:SegmentUrlTtlSeconds",

        // Streamio:Auth (AuthOptions)
        "Streamio:Auth:AdminKey", "Streamio:Auth:AllowAnonymous",

        // Streamio:Encoding (EncodingOptions; the ladder is a list and is not set by the chart)
        "Streamio:Encoding:SegmentSeconds", "Streamio:Encoding:FirstSegmentSeconds", "Streamio:Encoding:SegmentsPerChunk", "Streamio:Encoding:MaxSegmentsPerChunk", "Streamio:Encoding:AudioBitrateKbps",
        "Streamio:Encoding:KeepSource", "Streamio:Encoding:WorkPath", "Streamio:Encoding:MaxAttempts",

        // Streamio:Live: the silos' ingest servers (RtmpIngestOptions, SrtIngestOptions in src/Streamio.Ingest; checked
        // against their source by LiveChartTests), and the public host the API builds a stream's publish URLs from.
        "Streamio:Live:Rtmp:Enabled", "Streamio:Live:Rtmp:Port", "Streamio:Live:Rtmp:BindAddress", "Streamio:Live:Rtmp:Application",
        "Streamio:Live:Rtmp:MaxConnections", "Streamio:Live:Rtmp:HandshakeTimeoutSeconds", "Streamio:Live:Rtmp:IdleTimeoutSeconds",
        "Streamio:Live:Rtmp:MaxMessageBytes",
        "Streamio:Live:Srt:Enabled", "Streamio:Live:Srt:Port", "Streamio:Live:Srt:BindAddress", "Streamio:Live:Srt:MaxConnections",
        "Streamio:Live:Srt:LatencyMs", "Streamio:Live:Srt:PeerIdleTimeoutSeconds", "Streamio:Live:Srt:RequirePassphrase",
        "Streamio:Live:Srt:AuthorizeTimeoutSeconds", "Streamio:Live:Srt:Library",
        "Streamio:Live:PublicHost",

        // Streamio:Ffmpeg (FfmpegOptions)
        "Streamio:Ffmpeg:FfmpegPath", "Streamio:Ffmpeg:FfprobePath", "Streamio:Ffmpeg:AllowedFormats",
        "Streamio:Ffmpeg:MaxWidth", "Streamio:Ffmpeg:MaxHeight", "Streamio:Ffmpeg:MaxDurationSeconds",
        "Streamio:Ffmpeg:MaxStreams", "Streamio:Ffmpeg:ProbeSizeBytes", "Streamio:Ffmpeg:AnalyzeDurationSeconds",
        "Streamio:Ffmpeg:Preset", "Streamio:Ffmpeg:LowPriority", "Streamio:Ffmpeg:ProbeTimeout",
        "Streamio:Ffmpeg:TaskTimeoutFloor", "Streamio:Ffmpeg:TaskTimeoutPerMediaSecond", "Streamio:Ffmpeg:GracefulStopTimeout",
    };

    /// <summary>Words of settings that are gone with the home-made backbone; none may survive in the chart or the image.</summary>
    public static IReadOnlyList<string> Removed { get; } =
        ["Backbone", "LeaseSeconds", "HeartbeatSeconds", "DeadAfterSeconds", "PollSeconds"];

    /// <summary>The environment variable for a key: Streamio:Cluster:SiloPort → Streamio__Cluster__SiloPort.</summary>
    public static string Variable(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>True when an environment variable such as Streamio__Storage__Bucket names a known key.</summary>
    public static bool Binds(string variable) => Keys.Contains(variable.Replace("__", ":", StringComparison.Ordinal));

    /// <summary>What StreamioOptions does with Streamio:Roles: a list of "api" and "silo", comma, semicolon or space separated.</summary>
    public static (bool RunsApi, bool RunsSilo) Roles(string roles)
    {
        var names = roles.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (names.Contains("api", StringComparer.OrdinalIgnoreCase), names.Contains("silo", StringComparer.OrdinalIgnoreCase));
    }
}
