using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Streamio.Testing;

namespace Streamio.Ingest.Tests.Rtmp;

/// <summary>The server against a real FFmpeg publisher on loopback.</summary>
public sealed class RtmpIngestServerTests
{
    private const string GoodKey = "good7f3a9c21e4b8";
    private const string OtherKey = "othr5d8e2b7a9c10";

    private static readonly Dictionary<string, string> Keys = new()
    {
        [GoodKey] = "live-good",
        [OtherKey] = "live-other",
    };

    [Fact]
    public async Task The_right_key_hands_the_handler_flv_that_decodes_with_every_published_frame()
    {
        await using var server = await RtmpTestServer.StartAsync(Keys);

        var result = await (await RtmpFfmpegPublisher.StartAsync(server.Url(GoodKey), seconds: 4)).Run;

        Assert.True(result.Succeeded, result.StderrTail);
        await RtmpWait.UntilAsync(() => server.Handler.Sessions is [{ Returned: true }], "the handler to read the stream to its end");
        var recorded = Assert.Single(server.Handler.Sessions);
        Assert.True(recorded.ReachedEof);
        Assert.Equal(
            (IngestProtocol.Rtmp, "live-good", GoodKey, "flv", IPAddress.Loopback),
            (recorded.Session.Protocol, recorded.Session.LiveStreamId, recorded.Session.StreamKey, recorded.Session.ContainerFormat, recorded.Session.Remote.Address));
        var request = Assert.Single(server.Authorizer.Requests);
        Assert.Equal((IngestProtocol.Rtmp, GoodKey), (request.Protocol, request.StreamKey));

        Assert.Equal(4 * RtmpFfmpegPublisher.FrameRate, await MediaInspector.CountFramesAsync(recorded.Path, "v:0"));
        // 4 s of 44.1 kHz AAC is 172.3 frames of 1024 samples; the encoder's priming and flush add a frame or two.
        Assert.InRange(await MediaInspector.CountFramesAsync(recorded.Path, "a:0"), 170, 176);
        var decode = await FfmpegTools.FfmpegAsync("-v", "error", "-i", recorded.Path, "-f", "null", "-");
        Assert.Equal(string.Empty, decode.StderrTail.Trim());

        // The key is a secret: the log names its first 4 characters only.
        var log = string.Join('\n', server.Log.Entries.Select(e => e.Message));
        Assert.Contains("good…", log, StringComparison.Ordinal);
        Assert.DoesNotContain(GoodKey, log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_key_fails_the_publisher_and_nothing_reaches_a_handler()
    {
        await using var server = await RtmpTestServer.StartAsync(Keys);
        const string wrongKey = "wrong0123456789";

        var result = await (await RtmpFfmpegPublisher.StartAsync(server.Url(wrongKey), seconds: 4)).Run;

        Assert.NotEqual(0, result.ExitCode);
        Assert.False(result.TimedOut);
        Assert.Contains("refused", result.StderrTail, StringComparison.Ordinal);
        Assert.Equal(wrongKey, Assert.Single(server.Authorizer.Requests).StreamKey);
        Assert.Empty(server.Handler.Sessions);
        await RtmpWait.UntilAsync(() => server.Server.OpenConnections == 0, "the refused connection to close");
        var refusal = Assert.Single(server.Log.Entries, e => e.Message.Contains("refused: unknown key", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, refusal.Level);
        Assert.Contains("wron…", refusal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Log.Entries, e => e.Message.Contains(wrongKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_publishers_at_once_each_get_their_own_session()
    {
        await using var server = await RtmpTestServer.StartAsync(Keys);

        var first = await RtmpFfmpegPublisher.StartAsync(server.Url(GoodKey), seconds: 4);
        var second = await RtmpFfmpegPublisher.StartAsync(server.Url(OtherKey), seconds: 4);
        var results = await Task.WhenAll(first.Run, second.Run);

        Assert.All(results, result => Assert.True(result.Succeeded, result.StderrTail));
        await RtmpWait.UntilAsync(() => server.Handler.Sessions is [{ Returned: true }, { Returned: true }], "both handlers to finish");
        var sessions = server.Handler.Sessions.OrderBy(s => s.Session.LiveStreamId).ToList();
        Assert.Equal([("live-good", GoodKey), ("live-other", OtherKey)], sessions.Select(s => (s.Session.LiveStreamId, s.Session.StreamKey)));
        foreach (var session in sessions)
        {
            Assert.True(session.ReachedEof);
            Assert.Equal(4 * RtmpFfmpegPublisher.FrameRate, await MediaInspector.CountFramesAsync(session.Path, "v:0"));
        }
    }

    [Fact]
    public async Task A_publisher_killed_mid_stream_ends_the_handlers_media_with_eof()
    {
        await using var server = await RtmpTestServer.StartAsync(Keys);
        var publisher = await RtmpFfmpegPublisher.StartAsync(server.Url(GoodKey), seconds: 60);
        await RtmpWait.UntilAsync(() => server.Handler.Sessions is [{ Bytes: > 50_000 }], "some media to arrive");

        publisher.Kill();

        await publisher.Run;
        await RtmpWait.UntilAsync(() => server.Handler.Sessions is [{ Returned: true }], "the handler to see the end of the stream");
        var recorded = Assert.Single(server.Handler.Sessions);
        Assert.True(recorded.ReachedEof);
        Assert.False(recorded.TokenCancelledAtEnd);
        Assert.True(await MediaInspector.CountFramesAsync(recorded.Path, "v:0") > 0);
        await RtmpWait.UntilAsync(() => server.Server.OpenConnections == 0, "the connection to close");
    }

    [Fact]
    public async Task Garbage_and_stalled_handshakes_are_dropped_while_a_good_publisher_still_works()
    {
        await using var server = await RtmpTestServer.StartAsync(Keys, new Dictionary<string, string?> { ["Streamio:Live:Rtmp:HandshakeTimeoutSeconds"] = "2" });
        using var garbage = await ConnectAsync(server.Port, Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: example\r\n\r\n"));
        using var silent = await ConnectAsync(server.Port, []);
        using var halfHandshake = await ConnectAsync(server.Port, [3, .. new byte[700]]);

        var publisher = await RtmpFfmpegPublisher.StartAsync(server.Url(GoodKey), seconds: 4);

        Assert.True(await ClosedByServerAsync(garbage));
        Assert.True(await ClosedByServerAsync(silent));
        Assert.True(await ClosedByServerAsync(halfHandshake));
        var result = await publisher.Run;
        Assert.True(result.Succeeded, result.StderrTail);
        await RtmpWait.UntilAsync(() => server.Handler.Sessions is [{ Returned: true }], "the good publisher's session to end");
        Assert.Equal(4 * RtmpFfmpegPublisher.FrameRate, await MediaInspector.CountFramesAsync(server.Handler.Sessions[0].Path, "v:0"));
        // Each connection logs why it closed just after its socket closes: wait for the three refusals' lines.
        await RtmpWait.UntilAsync(() => server.Log.Entries.Count(e => e.Message.Contains(" closed: malformed input", StringComparison.Ordinal)
            || e.Message.Contains(" closed: no accepted publish", StringComparison.Ordinal)) >= 3, "the refusals to be logged");
        var log = server.Log.Entries.Select(e => e.Message).ToList();
        Assert.Contains(log, m => m.Contains("malformed input: The first byte 0x47 is not RTMP version 3", StringComparison.Ordinal));
        Assert.Equal(2, log.Count(m => m.Contains("closed: no accepted publish within 2 s", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Stopping_the_server_ends_every_session_with_eof_and_cancels_its_handler()
    {
        var server = await RtmpTestServer.StartAsync(Keys);
        await using (server)
        {
            var publisher = await RtmpFfmpegPublisher.StartAsync(server.Url(GoodKey), seconds: 60);
            await RtmpWait.UntilAsync(() => server.Handler.Sessions is [{ Bytes: > 20_000 }], "some media to arrive");

            await server.StopAsync();

            var recorded = Assert.Single(server.Handler.Sessions);
            Assert.True(recorded.Returned);
            Assert.True(recorded.ReachedEof);
            Assert.True(recorded.TokenCancelledAtEnd);
            var result = await publisher.Run;
            Assert.False(result.TimedOut);
            Assert.NotEqual(0, result.ExitCode);
            Assert.Equal(0, server.Server.OpenConnections);
        }
    }

    [Fact]
    public async Task A_handler_that_returns_early_closes_the_publishers_connection()
    {
        await using var server = await RtmpTestServer.StartAsync(Keys, handlerStopsAfterBytes: 50_000);

        var result = await (await RtmpFfmpegPublisher.StartAsync(server.Url(GoodKey), seconds: 60)).Run;

        Assert.False(result.TimedOut);
        Assert.NotEqual(0, result.ExitCode);
        var recorded = Assert.Single(server.Handler.Sessions);
        Assert.False(recorded.ReachedEof);
        await RtmpWait.UntilAsync(
            () => server.Log.Entries.Any(e => e.Message.Contains("closed: the publish handler returned", StringComparison.Ordinal)),
            "the close to be logged");
    }

    [Fact]
    public async Task Connections_past_the_limit_are_closed_as_they_arrive()
    {
        await using var server = await RtmpTestServer.StartAsync(Keys, new Dictionary<string, string?> { ["Streamio:Live:Rtmp:MaxConnections"] = "2" });
        using var first = await ConnectAsync(server.Port, []);
        using var second = await ConnectAsync(server.Port, []);
        await RtmpWait.UntilAsync(() => server.Server.OpenConnections == 2, "two connections to be open");

        using var third = await ConnectAsync(server.Port, []);

        Assert.True(await ClosedByServerAsync(third));
        Assert.Contains(server.Log.Entries, e => e.Message.Contains("2 connections are open", StringComparison.Ordinal));
        first.Dispose();
        second.Dispose();
        await RtmpWait.UntilAsync(() => server.Server.OpenConnections == 0, "the first two to close");
    }

    private static async Task<TcpClient> ConnectAsync(int port, byte[] send)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        if (send.Length > 0)
        {
            await client.GetStream().WriteAsync(send);
        }

        return client;
    }

    /// <summary>True when the server closed the connection (EOF, or a reset because bytes it never read were pending).</summary>
    private static async Task<bool> ClosedByServerAsync(TcpClient client)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var buffer = new byte[4096];
        try
        {
            while (await client.GetStream().ReadAsync(buffer, limit.Token) > 0)
            {
                // A half-done handshake may get S0/S1/S2 first; keep reading to the close.
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
    }
}
