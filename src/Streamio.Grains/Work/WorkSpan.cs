using System.Diagnostics;
using Streamio.Abstractions.Work;
using Streamio.Telemetry;
using Attributes = Streamio.Telemetry.StreamioTelemetry.Attributes;

namespace Streamio.Grains.Work;

/// <summary>
/// The span of one work attempt on a silo worker. Its parent is the trace context the video keeps (the call that
/// created it, under the upload request), carried by the ticket: so a chunk encoded minutes later on another silo is
/// still part of the upload's trace. A consumer span: the worker consumes a queued ticket.
/// </summary>
public static class WorkSpan
{
    public static Activity? Start(WorkTicket ticket)
    {
        if (!StreamioTelemetry.Source.HasListeners())
        {
            return null;
        }
        ActivityContext.TryParse(ticket.TraceParent, traceState: null, isRemote: true, out var parent);
        var span = StreamioTelemetry.Source.StartActivity($"work {ticket.Kind.Label()}", ActivityKind.Consumer, parent);
        span?.SetTag(Attributes.VideoId, ticket.VideoId)
            .SetTag(Attributes.WorkKind, ticket.Kind.Label())
            .SetTag(Attributes.WorkItem, ticket.ItemId);
        return span;
    }

    /// <summary>What the video handed over for this attempt.</summary>
    public static void Describe(Activity? span, WorkAssignment work)
    {
        if (span is not { IsAllDataRequested: true })
        {
            return;
        }
        span.SetTag(Attributes.ProjectId, work.ProjectId).SetTag(Attributes.WorkAttempt, work.Attempt);
        if (work.Kind == WorkKind.EncodeChunk)
        {
            span.SetTag(Attributes.FirstSegment, work.FirstSegment).SetTag(Attributes.SegmentCount, work.SegmentCount)
                .SetTag("streamio.chunk.rungs", string.Join(',', work.Rungs));
        }
    }

    public static void Fail(Activity? span, Exception error)
    {
        span?.SetStatus(ActivityStatusCode.Error, error.Message);
        span?.AddException(error);
    }
}
