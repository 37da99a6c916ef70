using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Streamio.Ingest;
using Streamio.Testing;

namespace Streamio.Host.Tests.LiveStreams;

/// <summary>An embedded node that takes live publishers (1 s segments, a short reconnect grace), and a way to publish to it.</summary>
public static class LiveNode
{
    public static Task<StreamioNode> StartAsync() => StreamioNode.StartAsync(
        settings =>
        {
            settings["Streamio:Live:SegmentSeconds"] = "1";
            settings["Streamio:Live:ReconnectGraceSeconds"] = "2";
            settings["Streamio:Live:Preset"] = "ultrafast";
            // The publisher's first bytes may be slow to come on a loaded two-core machine.
            settings["Streamio:Live:ProbeSeconds"] = "5";
        });

    /// <summary>Hands the publisher to the silo's publish handler, as the SRT server does with an accepted connection; ends when it stops sending.</summary>
    public static Task PublishAsync(StreamioNode node, string liveStreamId, string streamKey, TestPublisher publisher) =>
        node.Services.GetRequiredService<IPublishHandler>().RunAsync(
            new IngestSession(IngestProtocol.Srt, liveStreamId, streamKey, new IPEndPoint(IPAddress.Loopback, 40002), "mpegts", publisher.Media, DateTimeOffset.UtcNow),
            CancellationToken.None);
}
