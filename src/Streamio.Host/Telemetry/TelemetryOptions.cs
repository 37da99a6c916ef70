namespace Streamio.Host.Telemetry;

/// <summary>Traces, metrics and the Orleans dashboard (configuration section <c>Streamio:Telemetry</c>).</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Streamio:Telemetry";

    /// <summary>The standard variable the OTLP exporter reads when Streamio's own setting is empty.</summary>
    public const string StandardOtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Where traces, metrics and logs are sent over OTLP (e.g. <c>http://collector:4318</c>); empty: not sent, unless
    /// OTEL_EXPORTER_OTLP_ENDPOINT is set. With http/protobuf the signal paths (<c>/v1/traces</c>, …) are appended.
    /// </summary>
    public string OtlpEndpoint { get; set; } = "";

    /// <summary><c>HttpProtobuf</c> (port 4318) or <c>Grpc</c> (port 4317).</summary>
    public OtlpTransport OtlpProtocol { get; set; } = OtlpTransport.HttpProtobuf;

    /// <summary>Collect metrics for <c>/metrics</c> (admins on the main port, anyone on <see cref="PrometheusPort"/>).</summary>
    public bool Metrics { get; set; } = true;

    /// <summary>A port of its own serving only <c>/metrics</c>, without authentication (what Kubernetes scrapes); 0: none.</summary>
    public int PrometheusPort { get; set; }

    /// <summary>The Orleans dashboard at <c>/dashboard</c> for admins (set it alike on every node: silos collect its data).</summary>
    public bool Dashboard { get; set; } = true;

    /// <summary>The <c>service.name</c> of this node's traces, metrics and logs.</summary>
    public string ServiceName { get; set; } = "streamio";

    /// <summary>The OTLP endpoint in force: Streamio's setting, else the standard variable; null when none.</summary>
    public string? EffectiveOtlpEndpoint(Func<string, string?> environment) =>
        OtlpEndpoint.Length > 0 ? OtlpEndpoint : environment(StandardOtlpEndpointVariable) is { Length: > 0 } standard ? standard : null;

    public void Validate()
    {
        if (OtlpEndpoint.Length > 0 && !(Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var endpoint) && endpoint.Scheme is "http" or "https"))
        {
            throw new InvalidOperationException($"{SectionName}:OtlpEndpoint is '{OtlpEndpoint}'; it must be an absolute URL such as http://collector:4318.");
        }
        if (PrometheusPort is < 0 or > 65535)
        {
            throw new InvalidOperationException($"{SectionName}:PrometheusPort is {PrometheusPort}; it must be a TCP port (1-65535), or 0 for none.");
        }
    }
}

public enum OtlpTransport
{
    HttpProtobuf,
    Grpc,
}
