using Streamio.Testing;

namespace Streamio.Host.Tests.Observability;

/// <summary>
/// One upload, one trace: a node exporting over OTLP/HTTP to a local receiver sends the spans of the upload request,
/// the grain calls it makes, and every piece of work the video runs later (probe, chunks, audio, finish) with their
/// FFmpeg runs and segment publishes, all in the request's trace and linked into one tree.
/// </summary>
public sealed class TracingTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Server = 2;
    private const int Client = 3;
    private const int Consumer = 5;

    [Fact]
    public async Task The_spans_of_one_upload_form_one_tree_from_the_request_through_grain_calls_to_each_FFmpeg_run()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var node = await StreamioNode.StartAsync(settings => settings["Streamio:Telemetry:OtlpEndpoint"] = receiver.Endpoint);
        var clip = await ClipFactory.GetAsync(SharedNodeFixture.StandardClip);

        var video = await node.WaitForReadyAsync((await node.UploadOkAsync(clip, "Traced")).Id);
        Assert.Equal("ready", video.Status);

        var trace = await WaitForTraceAsync(receiver, video.Id);
        var byId = trace.ToDictionary(span => span.SpanId);
        Print(trace, trace.Where(span => span.IsRoot), depth: 0);
        var root = Assert.Single(trace, span => span.IsRoot);
        Assert.Equal(Server, root.Kind);
        Assert.Matches("^POST /v1/videos/?$", root.Name);
        Assert.All(trace.Where(span => !span.IsRoot), span => Assert.True(byId.ContainsKey(span.ParentSpanId), $"{span.Name} has a parent outside the trace"));

        // The request calls the video grain (client span, then the grain's server span); the video keeps that context.
        var create = Assert.Single(trace, span => span.Name == "IVideoGrain/CreateAsync" && span.Kind == Server);
        Assert.Equal(root.SpanId, byId[byId[create.ParentSpanId].ParentSpanId].SpanId);
        Assert.Equal(Client, byId[create.ParentSpanId].Kind);

        // Every piece of work, run later by a silo worker, is a child of that grain call, tagged with the video.
        var work = trace.Where(span => span.Name.StartsWith("work ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["work audio", "work chunk", "work finish", "work probe"], work.Select(span => span.Name).Distinct().Order());
        Assert.All(work, span =>
        {
            Assert.Equal((Consumer, create.SpanId, video.Id), (span.Kind, span.ParentSpanId, span.Attribute("streamio.video.id")));
            Assert.NotEqual(2, span.StatusCode);
        });
        // Each worker's grain calls (here: starting its attempt) join the work span. The fast start begun beside the probe
        // was started by the probe's report instead, and its FFmpeg run is the probe's child.
        var probe = Assert.Single(work, span => span.Name == "work probe");
        Assert.Contains(trace, call => call.Name == "IVideoGrain/OnProbedAsync" && call.ParentSpanId == probe.SpanId);
        var early = Assert.Single(work, span => span.Attribute("streamio.work.started_early") is true);
        Assert.Equal(("work chunk", 0L, 1L), (early.Name, early.Attribute("streamio.chunk.first_segment"), early.Attribute("streamio.chunk.segments")));
        Assert.All(work.Where(span => span != early), span => Assert.Contains(trace, call => call.Name == "IVideoGrain/StartWorkAsync" && call.ParentSpanId == span.SpanId));

        // Each chunk is one FFmpeg run under its work span (the early one: under the probe's): exit code 0 and a speed in x real time.
        var chunks = work.Where(span => span.Name == "work chunk").ToList();
        foreach (var chunk in chunks)
        {
            var ranUnder = chunk == early ? probe : chunk;
            var ffmpeg = Assert.Single(trace, span => span.Name == "ffmpeg chunk" && span.ParentSpanId == ranUnder.SpanId);
            Assert.Equal(0L, ffmpeg.Attribute("process.exit_code"));
            Assert.True(ffmpeg.Attribute("streamio.ffmpeg.speed") is double speed && speed > 0, $"speed: {ffmpeg.Attribute("streamio.ffmpeg.speed")}");
            Assert.True(ffmpeg.Attribute("streamio.ffmpeg.media_seconds") is double seconds && seconds > 0);
            // Its segments are published as they close: each publish registers with the variant grain.
            var publishes = trace.Where(span => span.Name == "publish segment" && span.ParentSpanId == chunk.SpanId).ToList();
            Assert.NotEmpty(publishes);
            Assert.All(publishes, publish => Assert.Contains(trace, call => call.Name == "IVariantGrain/RegisterSegmentAsync" && call.Kind == Client && call.ParentSpanId == publish.SpanId));
        }
        var audio = Assert.Single(work, span => span.Name == "work audio");
        Assert.Contains(trace, span => span.Name == "ffmpeg audio" && span.ParentSpanId == audio.SpanId && span.Attribute("process.exit_code") is 0L);
        Assert.Contains(trace, span => span.Name == "ffprobe" && span.ParentSpanId == probe.SpanId);
        Assert.Equal(0, receiver.Spans.Count(span => span.TraceId == root.TraceId && span.StatusCode == 2));
    }

    /// <summary>The tree in the test's output, for whoever reads a failure.</summary>
    private void Print(List<ReceivedSpan> trace, IEnumerable<ReceivedSpan> level, int depth)
    {
        foreach (var span in level)
        {
            output.WriteLine($"{new string(' ', depth * 2)}{span.Name} [{span.Scope}] {string.Join(' ', span.Attributes.Where(a => a.Key.StartsWith("streamio.", StringComparison.Ordinal) || a.Key.StartsWith("process.", StringComparison.Ordinal)).Select(a => $"{a.Key}={a.Value}"))}");
            Print(trace, trace.Where(child => child.ParentSpanId == span.SpanId), depth + 1);
        }
    }

    /// <summary>
    /// The upload's trace, once its finish has been exported and every span's parent is there too (a parent ends, and
    /// is exported, after its children). The batch exporter sends every few seconds: the wait is generous.
    /// </summary>
    private static async Task<List<ReceivedSpan>> WaitForTraceAsync(OtlpReceiver receiver, string videoId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            var spans = receiver.Spans;
            if (spans.FirstOrDefault(span => span.Name == "work finish" && Equals(span.Attribute("streamio.video.id"), videoId)) is { } finish)
            {
                var trace = spans.Where(span => span.TraceId == finish.TraceId).ToList();
                var ids = trace.Select(span => span.SpanId).ToHashSet();
                if (trace.All(span => span.IsRoot || ids.Contains(span.ParentSpanId)) && trace.Any(span => span.IsRoot))
                {
                    return trace;
                }
            }
            if (timeout.IsCancellationRequested)
            {
                Assert.Fail($"the upload's trace never arrived complete; {spans.Count} spans received: {string.Join(", ", spans.Select(span => span.Name).Distinct())}");
            }
            await Task.Delay(250, CancellationToken.None);
        }
    }
}
