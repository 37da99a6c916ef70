using Streamio.Testing;

namespace Streamio.Cli.Tests;

/// <summary>`ls`, `get`, `play` and `rm` against a real node, in both outputs, and their exit codes.</summary>
[Collection(CliNodeCollection.Name)]
public sealed class VideoCommandTests(CliNodeFixture node)
{
    [Fact]
    public async Task Ls_get_play_and_rm_show_and_remove_a_video()
    {
        var clip = await ClipFactory.GetAsync(CliNodeFixture.Clip);
        using var cli = node.Cli();
        var videoId = Assert.Single((await cli.RunAsync("upload", clip, "--title", "Listed", "--wait", "none", "--quiet", "--json")).Expect(ExitCodes.Ok).JsonLines)
            .GetProperty("videoId").GetString()!;

        var listed = (await cli.RunAsync("ls", "--limit", "100", "--json")).Expect(ExitCodes.Ok).Json;
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), item => item.GetProperty("id").GetString() == videoId);
        var table = (await cli.RunAsync("ls", "--all")).Expect(ExitCodes.Ok).Out.Split('\n');
        Assert.StartsWith("ID", table[0]);
        Assert.Contains(table, row => row.StartsWith(videoId, StringComparison.Ordinal) && row.EndsWith("Listed", StringComparison.Ordinal));

        var got = (await cli.RunAsync("get", videoId, "--json")).Expect(ExitCodes.Ok).Json;
        Assert.Equal(videoId, got.GetProperty("id").GetString());
        Assert.Equal("Listed", got.GetProperty("title").GetString());
        var shown = (await cli.RunAsync("get", videoId)).Expect(ExitCodes.Ok).Out;
        Assert.Contains($"id        {videoId}", shown);

        var url = (await cli.RunAsync("play", videoId, "--open")).Expect(ExitCodes.Ok).Out.Trim();
        Assert.Contains($"/play/{videoId}/master.m3u8?token=", url);
        Assert.Equal(url, Assert.Single(cli.Opened));

        var removed = (await cli.RunAsync("rm", videoId, "--json")).Expect(ExitCodes.Ok).Json;
        Assert.Equal(videoId, Assert.Single(removed.GetProperty("deleted").EnumerateArray()).GetString());
        (await cli.RunAsync("get", videoId)).Expect(ExitCodes.NotFound);
        var again = (await cli.RunAsync("rm", videoId, "--json")).Expect(ExitCodes.NotFound);
        Assert.Equal(videoId, Assert.Single(again.Json.GetProperty("notFound").EnumerateArray()).GetString());
        Assert.Contains($"error: There is no video '{videoId}'", again.Error);
    }

    [Fact]
    public async Task An_unknown_video_is_exit_code_2_with_the_servers_detail()
    {
        using var cli = node.Cli();

        var get = (await cli.RunAsync("get", "v_doesnotexist", "--json")).Expect(ExitCodes.NotFound);
        var error = get.Json.GetProperty("error");
        Assert.Equal(404, error.GetProperty("status").GetInt32());
        Assert.Contains("There is no video 'v_doesnotexist'", error.GetProperty("message").GetString());
        (await cli.RunAsync("play", "v_doesnotexist")).Expect(ExitCodes.NotFound);
        (await cli.RunAsync("upload", "--wait", "none", "--json")).Expect(ExitCodes.Usage);
    }

    [Fact]
    public async Task Another_projects_key_sees_none_of_this_projects_videos()
    {
        var clip = await ClipFactory.GetAsync(CliNodeFixture.Clip);
        using var mine = node.Cli();
        var videoId = Assert.Single((await mine.RunAsync("upload", clip, "--wait", "none", "--quiet", "--json")).Expect(ExitCodes.Ok).JsonLines)
            .GetProperty("videoId").GetString()!;
        var (_, otherKey) = await node.NewProjectAsync("Other");
        using var theirs = node.Cli(otherKey);

        (await theirs.RunAsync("get", videoId)).Expect(ExitCodes.NotFound);
        Assert.Empty((await theirs.RunAsync("ls", "--json")).Expect(ExitCodes.Ok).Json.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_wrong_key_is_exit_code_3_and_an_unreachable_server_exit_code_4()
    {
        using var wrong = node.Cli(apiKey: "sk_wrong_wrong_wrong_wrong_wrong");
        var denied = (await wrong.RunAsync("ls", "--json")).Expect(ExitCodes.Auth);
        Assert.Equal(401, denied.Json.GetProperty("error").GetProperty("status").GetInt32());

        using var nowhere = new CliRunner(new() { ["STREAMIO_URL"] = $"http://127.0.0.1:{LoopbackPort.Free()}/" });
        var unreachable = (await nowhere.RunAsync("ls")).Expect(ExitCodes.Unavailable);
        Assert.Contains("Cannot reach Streamio at http://127.0.0.1:", unreachable.Error);
        (await nowhere.RunAsync("ls", "--url", "ftp://example.com")).Expect(ExitCodes.Usage);
        (await nowhere.RunAsync("no-such-command")).Expect(ExitCodes.Usage);
    }
}
