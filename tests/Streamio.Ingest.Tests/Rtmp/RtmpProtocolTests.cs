using Streamio.Ingest.Rtmp;
using Streamio.Testing;

namespace Streamio.Ingest.Tests.Rtmp;

/// <summary>The server's command handling, driven by a bare client over a real socket.</summary>
public sealed class RtmpProtocolTests
{
    private const string Key = "key1a2b3c4d5e6f7";

    private static readonly Dictionary<string, string> Keys = new() { [Key] = "live-1" };

    [Fact]
    public async Task Connect_is_answered_with_window_bandwidth_chunk_size_and_success_and_create_stream_with_a_stream_id()
    {
        await using var server = await RtmpTestServer.StartAsync(Keys);
        using var client = await RtmpTestClient.ConnectAsync(server.Port);

        await client.SendConnectAsync("live");
        var window = await client.ReceiveAsync(RtmpMessageType.WindowAcknowledgementSize);
        var bandwidth = await client.ReceiveAsync(RtmpMessageType.SetPeerBandwidth);
        var chunkSize = await client.ReceiveAsync(RtmpMessageType.SetChunkSize);
        var connected = await client.ReceiveCommandAsync();
        await client.SendCommandAsync(0, "releaseStream", null, Key);
        var released = await client.ReceiveCommandAsync();
        await client.SendCommandAsync(0, "createStream", null);
        var created = await client.ReceiveCommandAsync();

        Assert.Equal(2_500_000u, RtmpControl.ReadUInt32(window));
        Assert.Equal(Convert.FromHexString("002625A0" + "02"), bandwidth.Payload); // 2,500,000, dynamic
        Assert.Equal(4096u, RtmpControl.ReadUInt32(chunkSize)); // the _result after it arrives in 4096-byte chunks
        Assert.Equal("_result", connected.Name);
        Assert.Equal("NetConnection.Connect.Success", Assert.IsAssignableFrom<Amf0Properties>(connected.Arguments[0]).GetString("code"));
        Assert.Equal(("_result", 2.0), (released.Name, released.TransactionId));
        Assert.Equal(("_result", 3.0, 1.0), (created.Name, created.TransactionId, created.Arguments[0]));
        Assert.Empty(server.Authorizer.Requests);
    }

    [Fact]
    public async Task Another_application_than_live_is_rejected_and_closed()
    {
        await using var server = await RtmpTestServer.StartAsync(Keys);
        using var client = await RtmpTestClient.ConnectAsync(server.Port);

        var answer = await client.ConnectAppAsync("vod");

        Assert.Equal("_error", answer.Name);
        Assert.Equal("NetConnection.Connect.Rejected", Assert.IsAssignableFrom<Amf0Properties>(answer.Arguments[0]).GetString("code"));
        Assert.True(await client.ClosedByServerAsync());
    }

    [Fact]
    public async Task Media_before_publish_is_never_handed_on()
    {
        await using var server = await RtmpTestServer.StartAsync(Keys);
        using var client = await RtmpTestClient.ConnectedAsync(server.Port);

        await client.SendVideoAsync(1, 0, marker: 0xBB);
        var (streamId, code) = await client.PublishAsync(Key);
        await client.SendVideoAsync(streamId, 40, marker: 0xAA);
        await client.SendVideoAsync(streamId + 1, 80, marker: 0xCC); // another message stream: not this publish
        await client.SendCommandAsync(streamId, "deleteStream", null, (double)streamId);

        Assert.Equal("NetStream.Publish.Start", code);
        await RtmpWait.UntilAsync(() => server.Handler.Sessions is [{ Returned: true }], "the session to end");
        var flv = await File.ReadAllBytesAsync(server.Handler.Sessions[0].Path);
        Assert.Equal(13 + 11 + 6 + 4, flv.Length); // the header and exactly one tag
        Assert.Equal(0xAA, flv[13 + 11 + 5]);
    }

    [Fact]
    public async Task Unpublishing_then_publishing_again_on_one_connection_gives_two_sessions()
    {
        await using var server = await RtmpTestServer.StartAsync(Keys);
        using var client = await RtmpTestClient.ConnectedAsync(server.Port);

        var (firstStream, firstCode) = await client.PublishAsync(Key);
        await client.SendVideoAsync(firstStream, 0, marker: 1);
        await client.SendCommandAsync(0, "FCUnpublish", null, Key);
        await RtmpWait.UntilAsync(() => server.Handler.Sessions is [{ Returned: true }], "the first session to end");
        var (secondStream, secondCode) = await client.PublishAsync(Key);
        await client.SendVideoAsync(secondStream, 0, marker: 2);
        await client.SendCommandAsync(secondStream, "deleteStream", null, (double)secondStream);

        Assert.Equal(("NetStream.Publish.Start", "NetStream.Publish.Start"), (firstCode, secondCode));
        await RtmpWait.UntilAsync(() => server.Handler.Sessions is [{ Returned: true }, { Returned: true }], "the second session to end");
        Assert.All(server.Handler.Sessions, s => Assert.True(s.ReachedEof));
        Assert.Equal(2, server.Authorizer.Requests.Count);
    }

    [Fact]
    public async Task Deleting_another_stream_does_not_end_the_publish()
    {
        await using var server = await RtmpTestServer.StartAsync(Keys);
        using var client = await RtmpTestClient.ConnectedAsync(server.Port);
        var (streamId, _) = await client.PublishAsync(Key);

        await client.SendCommandAsync(0, "deleteStream", null, (double)(streamId + 5));
        await client.SendVideoAsync(streamId, 0, marker: 3);
        await client.SendCommandAsync(0, "deleteStream", null, (double)streamId);

        await RtmpWait.UntilAsync(() => server.Handler.Sessions is [{ Returned: true }], "the session to end");
        Assert.Equal(13 + 11 + 6 + 4, new FileInfo(server.Handler.Sessions[0].Path).Length);
    }

    [Fact]
    public async Task A_second_publish_while_publishing_is_refused_and_the_first_carries_on()
    {
        await using var server = await RtmpTestServer.StartAsync(Keys);
        using var client = await RtmpTestClient.ConnectedAsync(server.Port);
        var (streamId, _) = await client.PublishAsync(Key);

        var (_, secondCode) = await client.PublishAsync(Key);
        await client.SendVideoAsync(streamId, 0, marker: 7);
        await client.SendCommandAsync(streamId, "deleteStream", null, (double)streamId);

        Assert.Equal("NetStream.Publish.BadName", secondCode);
        await RtmpWait.UntilAsync(() => server.Handler.Sessions is [{ Returned: true }], "the session to end");
        Assert.Equal(13 + 11 + 6 + 4, new FileInfo(server.Handler.Sessions[0].Path).Length);
        Assert.Single(server.Authorizer.Requests);
    }

    [Fact]
    public async Task Unknown_commands_are_ignored()
    {
        await using var server = await RtmpTestServer.StartAsync(Keys);
        using var client = await RtmpTestClient.ConnectedAsync(server.Port);

        await client.SendCommandAsync(0, "_checkbw", null);
        await client.SendCommandAsync(0, "somethingNew", null, "argument", 42.0);
        var (_, code) = await client.PublishAsync(Key);

        Assert.Equal("NetStream.Publish.Start", code);
    }

    [Fact]
    public async Task A_refused_key_gets_bad_name_and_the_connection_is_closed()
    {
        await using var server = await RtmpTestServer.StartAsync(Keys);
        using var client = await RtmpTestClient.ConnectedAsync(server.Port);

        var (streamId, code) = await client.PublishAsync("not-a-key-at-all");
        await client.SendVideoAsync(streamId, 0, marker: 9);

        Assert.Equal("NetStream.Publish.BadName", code);
        Assert.True(await client.ClosedByServerAsync());
        Assert.Empty(server.Handler.Sessions);
    }

    [Fact]
    public async Task An_empty_key_is_refused_without_asking_the_authorizer()
    {
        await using var server = await RtmpTestServer.StartAsync(Keys);
        using var client = await RtmpTestClient.ConnectedAsync(server.Port);

        var (_, code) = await client.PublishAsync(string.Empty);

        Assert.Equal("NetStream.Publish.BadName", code);
        Assert.Empty(server.Authorizer.Requests);
    }

    [Fact]
    public async Task Publish_before_connect_is_malformed_and_closes_only_that_connection()
    {
        await using var server = await RtmpTestServer.StartAsync(Keys);
        using var good = await RtmpTestClient.ConnectedAsync(server.Port);
        using var bad = await RtmpTestClient.ConnectAsync(server.Port);

        await bad.SendCommandAsync(1, "publish", null, Key, "live");

        Assert.True(await bad.ClosedByServerAsync());
        Assert.Contains(server.Log.Entries, e => e.Message.Contains("malformed input: 'publish' before 'connect'", StringComparison.Ordinal));
        Assert.Equal("NetStream.Publish.Start", (await good.PublishAsync(Key)).Code);
        Assert.Single(server.Authorizer.Requests);
    }

    [Fact]
    public async Task A_large_message_before_publish_is_refused_from_its_header()
    {
        await using var server = await RtmpTestServer.StartAsync(Keys);
        using var client = await RtmpTestClient.ConnectedAsync(server.Port);

        await client.SendAsync(new RtmpMessage(RtmpMessageType.CommandAmf0, 0, 0, new byte[100_000]), 3);

        Assert.True(await client.ClosedByServerAsync());
        Assert.Contains(server.Log.Entries, e => e.Message.Contains("100000-byte message is over the 65536-byte limit", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_handler_that_does_not_read_holds_the_publisher_back_and_loses_nothing()
    {
        var release = new TaskCompletionSource();
        await using var server = await RtmpTestServer.StartAsync(Keys);
        server.Handler.ReadWhen = release.Task;
        using var client = await RtmpTestClient.ConnectedAsync(server.Port);
        var (streamId, _) = await client.PublishAsync(Key);
        await client.SetChunkSizeAsync(64 * 1024);
        const int messages = 64;
        var payload = new byte[1024 * 1024];
        long sent = 0;

        var sending = Task.Run(async () =>
        {
            for (var i = 0; i < messages; i++)
            {
                await client.SendAsync(new RtmpMessage(RtmpMessageType.Video, streamId, (uint)(i * 40), payload), 6);
                Interlocked.Add(ref sent, payload.Length);
            }

            await client.SendCommandAsync(streamId, "deleteStream", null, (double)streamId);
        });

        // The sender stalls with most of the 64 MiB unsent: the pipe (1 MiB) and the sockets' buffers hold the rest.
        // Stalled: the count has not moved for 40 polls in a row (RtmpWait polls every 50 ms).
        long lastSeen = -1;
        var unchangedPolls = 0;
        await RtmpWait.UntilAsync(
            () =>
            {
                var now = Interlocked.Read(ref sent);
                unchangedPolls = now == lastSeen ? unchangedPolls + 1 : 0;
                lastSeen = now;
                return now > 0 && unchangedPolls >= 40;
            },
            "the sender to stall");
        Assert.False(sending.IsCompleted);
        Assert.True(Interlocked.Read(ref sent) < messages * payload.Length / 2, $"{Interlocked.Read(ref sent)} bytes sent before the stall");

        release.SetResult();
        await sending;
        await RtmpWait.UntilAsync(() => server.Handler.Sessions is [{ Returned: true }], "the handler to read everything");
        Assert.Equal(13 + (messages * (11 + payload.Length + 4)), server.Handler.Sessions[0].Bytes);
    }

    [Fact]
    public async Task A_publisher_that_goes_silent_is_closed_after_the_idle_timeout()
    {
        await using var server = await RtmpTestServer.StartAsync(Keys, new Dictionary<string, string?> { ["Streamio:Live:Rtmp:IdleTimeoutSeconds"] = "1" });
        using var client = await RtmpTestClient.ConnectedAsync(server.Port);
        var (streamId, _) = await client.PublishAsync(Key);
        await client.SendVideoAsync(streamId, 0, marker: 1);

        Assert.True(await client.ClosedByServerAsync());
        await RtmpWait.UntilAsync(() => server.Handler.Sessions is [{ Returned: true }], "the session to end");
        Assert.True(server.Handler.Sessions[0].ReachedEof);
        // The connection logs why it closed after its session has ended (CI once read the log in between).
        await RtmpWait.UntilAsync(() => server.Log.Entries.Any(e => e.Message.Contains(" closed: ", StringComparison.Ordinal)), "the close to be logged");
        Assert.Contains(server.Log.Entries, e => e.Message.Contains("closed: nothing received for 1 s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_server_acknowledges_received_bytes_at_the_window_the_publisher_asked_for()
    {
        await using var server = await RtmpTestServer.StartAsync(Keys);
        using var client = await RtmpTestClient.ConnectedAsync(server.Port);
        var (streamId, _) = await client.PublishAsync(Key);

        await client.SendAsync(RtmpControl.WindowAcknowledgementSize(100_000), RtmpControl.ChunkStreamId);
        for (var i = 0; i < 4; i++)
        {
            await client.SendAsync(new RtmpMessage(RtmpMessageType.Video, streamId, (uint)(i * 40), new byte[60_000]), 6);
        }

        var first = RtmpControl.ReadUInt32(await client.ReceiveAsync(RtmpMessageType.Acknowledgement));
        var second = RtmpControl.ReadUInt32(await client.ReceiveAsync(RtmpMessageType.Acknowledgement));
        Assert.InRange(first, 100_000u, 250_000u);
        Assert.True(second >= first + 100_000, $"{second} after {first}");
    }

    [Fact]
    public async Task Many_publishers_at_once_each_get_their_own_session_and_bytes()
    {
        var keys = Enumerable.Range(0, 20).ToDictionary(i => $"many-key-{i:D2}", i => $"live-{i:D2}");
        await using var server = await RtmpTestServer.StartAsync(keys);

        await Task.WhenAll(keys.Keys.Select((key, index) => Task.Run(async () =>
        {
            using var client = await RtmpTestClient.ConnectedAsync(server.Port);
            var (streamId, code) = await client.PublishAsync(key);
            Assert.Equal("NetStream.Publish.Start", code);
            for (var i = 0; i <= index; i++)
            {
                await client.SendVideoAsync(streamId, (uint)(i * 40), marker: (byte)index);
            }

            await client.SendCommandAsync(streamId, "deleteStream", null, (double)streamId);
        })));

        await RtmpWait.UntilAsync(() => server.Handler.Sessions.Count == 20 && server.Handler.Sessions.All(s => s.Returned), "all 20 sessions to end");
        foreach (var session in server.Handler.Sessions)
        {
            var index = int.Parse(session.Session.LiveStreamId["live-".Length..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal($"many-key-{index:D2}", session.Session.StreamKey);
            var flv = await File.ReadAllBytesAsync(session.Path);
            // Its own tags only: index + 1 of them, each carrying its own marker.
            Assert.Equal(13 + ((index + 1) * (11 + 6 + 4)), flv.Length);
            Assert.All(Enumerable.Range(0, index + 1), i => Assert.Equal(index, flv[13 + (i * 21) + 11 + 5]));
        }
    }

    [Fact]
    public async Task A_handler_that_throws_closes_the_connection_and_is_logged()
    {
        await using var server = await RtmpTestServer.StartAsync(Keys, handlerStopsAfterBytes: 1);
        server.Handler.FailAtStop = true;
        using var client = await RtmpTestClient.ConnectedAsync(server.Port);
        var (streamId, _) = await client.PublishAsync(Key);

        await client.SendVideoAsync(streamId, 0, marker: 1);

        Assert.True(await client.ClosedByServerAsync());
        await RtmpWait.UntilAsync(() => server.Log.Entries.Any(e => e.Message.Contains("closed: the publish handler failed", StringComparison.Ordinal)), "the close to be logged");
        Assert.Contains(server.Log.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error && e.Message.Contains("handler for live stream live-1 failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invalid_settings_fail_start_up_with_every_problem_named()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RtmpTestServer.StartAsync(
            Keys,
            new Dictionary<string, string?> { ["Streamio:Live:Rtmp:Port"] = "70000", ["Streamio:Live:Rtmp:BindAddress"] = "nowhere", ["Streamio:Live:Rtmp:MaxConnections"] = "0" }));

        Assert.Contains("Port must be 0..65535", error.Message, StringComparison.Ordinal);
        Assert.Contains("'nowhere' is not an IP address", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxConnections must be at least 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_taken_port_fails_start_up_naming_the_setting()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RtmpTestServer.StartAsync(
            Keys,
            new Dictionary<string, string?> { ["Streamio:Live:Rtmp:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) }));

        Assert.Contains($"cannot listen on 127.0.0.1 port {port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("Streamio:Live:Rtmp:BindAddress", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disabled_it_does_not_listen()
    {
        await using var server = await RtmpTestServer.StartAsync(Keys, new Dictionary<string, string?> { ["Streamio:Live:Rtmp:Enabled"] = "false" });

        Assert.Null(server.Server.LocalEndPoint);
        Assert.Contains(server.Log.Entries, e => e.Message.Contains("disabled", StringComparison.Ordinal));
    }
}
