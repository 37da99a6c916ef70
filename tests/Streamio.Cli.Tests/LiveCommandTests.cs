namespace Streamio.Cli.Tests;

/// <summary>`live create|ls|get|reset-key|play|rm` against a real node, in both outputs, and their exit codes.</summary>
[Collection(CliNodeCollection.Name)]
public sealed class LiveCommandTests(CliNodeFixture node)
{
    [Fact]
    public async Task Create_ls_get_reset_key_play_and_rm_manage_a_live_stream()
    {
        using var cli = node.Cli();

        var created = (await cli.RunAsync("live", "create", "--title", "Launch", "--dvr-window", "600", "--no-record", "--json")).Expect(ExitCodes.Ok).Json;
        var id = created.GetProperty("id").GetString()!;
        var key = created.GetProperty("streamKey").GetString()!;
        Assert.StartsWith("ls_", id);
        Assert.Equal(600, created.GetProperty("dvrWindowSeconds").GetInt32());
        Assert.False(created.GetProperty("record").GetBoolean());
        Assert.Equal($"rtmp://{node.BaseAddress.Host}:{node.RtmpPort}/live", created.GetProperty("rtmpUrl").GetString());

        var human = (await cli.RunAsync("live", "create", "--title", "Second")).Expect(ExitCodes.Ok);
        Assert.Contains($"server      rtmp://{node.BaseAddress.Host}:{node.RtmpPort}/live", human.Out);
        Assert.Contains("stream key  ", human.Out);
        Assert.Contains("Keep the stream key secret", human.Error);

        var table = (await cli.RunAsync("live", "ls")).Expect(ExitCodes.Ok).Out.Split('\n');
        Assert.StartsWith("ID", table[0]);
        Assert.Contains(table, row => row.StartsWith(id, StringComparison.Ordinal) && row.Contains("idle", StringComparison.Ordinal) && row.EndsWith("Launch", StringComparison.Ordinal));
        Assert.Contains((await cli.RunAsync("live", "ls", "--json")).Expect(ExitCodes.Ok).Json.GetProperty("items").EnumerateArray(),
            item => item.GetProperty("id").GetString() == id);

        var shown = (await cli.RunAsync("live", "get", id)).Expect(ExitCodes.Ok).Out;
        Assert.Contains($"id          {id}", shown);
        Assert.Contains($"stream key  {key}", shown);

        var reset = (await cli.RunAsync("live", "reset-key", id, "--json")).Expect(ExitCodes.Ok).Json;
        Assert.NotEqual(key, reset.GetProperty("streamKey").GetString());

        var url = (await cli.RunAsync("live", "play", id, "--open")).Expect(ExitCodes.Ok).Out.Trim();
        Assert.Contains($"/live/{id}/master.m3u8?token=", url);
        Assert.Equal(url, Assert.Single(cli.Opened));
        var playback = (await cli.RunAsync("live", "play", id, "--ttl", "60", "--json")).Expect(ExitCodes.Ok).Json;
        Assert.False(string.IsNullOrEmpty(playback.GetProperty("token").GetString()));

        Assert.Equal(id, (await cli.RunAsync("live", "rm", id, "--json")).Expect(ExitCodes.Ok).Json.GetProperty("deleted").GetString());
        var gone = (await cli.RunAsync("live", "get", id)).Expect(ExitCodes.NotFound);
        Assert.Contains($"There is no live stream '{id}'", gone.Error);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_the_servers_detail_and_other_projects_streams_are_not_found()
    {
        using var cli = node.Cli();
        var refused = (await cli.RunAsync("live", "create", "--dvr-window", "5", "--json")).Expect(ExitCodes.Refused);
        Assert.Contains("dvrWindowSeconds must be a whole number of seconds from 60 to 21600", refused.Json.GetProperty("error").GetProperty("message").GetString());
        (await cli.RunAsync("live", "play", "ls_missing", "--ttl", "0")).Expect(ExitCodes.Refused);

        var id = (await cli.RunAsync("live", "create", "--json")).Expect(ExitCodes.Ok).Json.GetProperty("id").GetString()!;
        var (_, otherKey) = await node.NewProjectAsync("Live stranger");
        using var theirs = node.Cli(otherKey);
        (await theirs.RunAsync("live", "get", id)).Expect(ExitCodes.NotFound);
        (await theirs.RunAsync("live", "rm", id)).Expect(ExitCodes.NotFound);
        (await theirs.RunAsync("live", "play", id)).Expect(ExitCodes.NotFound);
        Assert.DoesNotContain((await theirs.RunAsync("live", "ls", "--json")).Expect(ExitCodes.Ok).Json.GetProperty("items").EnumerateArray(),
            item => item.GetProperty("id").GetString() == id);
        (await cli.RunAsync("live", "get")).Expect(ExitCodes.Usage);
    }
}
