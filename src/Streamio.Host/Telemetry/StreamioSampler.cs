using OpenTelemetry.Trace;

namespace Streamio.Host.Telemetry;

/// <summary>
/// Records what belongs to a request or to a video's pipeline, and nothing of the background chatter. A span with a
/// parent follows its parent's decision. A root span is kept only when it is an incoming HTTP request or a Streamio
/// work attempt (a consumer span; one with no stored trace context, e.g. a repair). Every other root is Orleans'
/// background (a worker's long poll, a reminder, a grain timer, membership): dropped with everything under it, so
/// idle silos export nothing.
/// </summary>
public sealed class StreamioSampler : Sampler
{
    /// <summary>The name ASP.NET Core gives its request activity when it is created (renamed to the route later).</summary>
    public const string HttpRequestActivity = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

    private static readonly SamplingResult Keep = new(SamplingDecision.RecordAndSample);
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);

    public StreamioSampler() => Description = nameof(StreamioSampler);

    public override SamplingResult ShouldSample(in SamplingParameters parameters)
    {
        if (parameters.ParentContext.TraceId != default)
        {
            return parameters.ParentContext.TraceFlags.HasFlag(System.Diagnostics.ActivityTraceFlags.Recorded) ? Keep : Drop;
        }
        return parameters.Kind == System.Diagnostics.ActivityKind.Consumer
            || parameters.Kind == System.Diagnostics.ActivityKind.Server && parameters.Name == HttpRequestActivity
            ? Keep
            : Drop;
    }
}
