using System.Diagnostics;
using OpenTelemetry.Trace;
using Streamio.Host.Telemetry;

namespace Streamio.Host.Tests.Observability;

/// <summary>What is traced: requests and video work, with everything under them; none of Orleans' background.</summary>
public sealed class SamplerTests
{
    private static readonly StreamioSampler Sampler = new();

    [Theory]
    [InlineData(ActivityKind.Server, StreamioSampler.HttpRequestActivity, SamplingDecision.RecordAndSample)]
    [InlineData(ActivityKind.Consumer, "work chunk", SamplingDecision.RecordAndSample)]
    [InlineData(ActivityKind.Client, "IWorkSchedulerGrain/TakeAsync", SamplingDecision.Drop)]
    [InlineData(ActivityKind.Server, "IGrainTimerInvoker/InvokeCallbackAsync", SamplingDecision.Drop)]
    [InlineData(ActivityKind.Internal, "write storage", SamplingDecision.Drop)]
    public void A_root_is_kept_only_for_a_request_or_a_work_attempt(ActivityKind kind, string name, SamplingDecision expected)
    {
        var root = new SamplingParameters(default, ActivityTraceId.CreateRandom(), name, kind);

        Assert.Equal(expected, Sampler.ShouldSample(root).Decision);
    }

    [Theory]
    [InlineData(ActivityTraceFlags.Recorded, SamplingDecision.RecordAndSample)]
    [InlineData(ActivityTraceFlags.None, SamplingDecision.Drop)]
    public void A_child_follows_its_parent_whatever_it_is(ActivityTraceFlags parentFlags, SamplingDecision expected)
    {
        var parent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), parentFlags, isRemote: true);

        foreach (var kind in Enum.GetValues<ActivityKind>())
        {
            var child = new SamplingParameters(parent, parent.TraceId, "IVideoGrain/OnEncodedAsync", kind);
            Assert.Equal(expected, Sampler.ShouldSample(child).Decision);
        }
    }
}
