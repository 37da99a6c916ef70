namespace Streamio.Cli.Tests;

/// <summary>`projects`, `keys` and `cluster` with the admin key: what a key does after it is rotated or revoked.</summary>
[Collection(CliNodeCollection.Name)]
public sealed class AdminCommandTests(CliNodeFixture node)
{
    [Fact]
    public async Task Keys_create_rotate_and_revoke_decide_which_key_works()
    {
        using var admin = node.Cli();
        var projectId = (await admin.RunAsync("projects", "create", "Keys from the CLI", "--json")).Expect(ExitCodes.Ok).Json.GetProperty("id").GetString()!;
        Assert.Contains(projectId, (await admin.RunAsync("projects", "ls")).Expect(ExitCodes.Ok).Out);

        var created = (await admin.RunAsync("keys", "create", projectId, "--name", "ci", "--json")).Expect(ExitCodes.Ok).Json;
        var firstKey = created.GetProperty("key").GetString()!;
        var firstId = created.GetProperty("id").GetString()!;
        using (var first = node.Cli(firstKey))
        {
            (await first.RunAsync("ls")).Expect(ExitCodes.Ok);
            // A project key is not the admin key.
            (await first.RunAsync("keys", "create", projectId, "--admin-key", firstKey)).Expect(ExitCodes.Auth);
        }

        var rotated = (await admin.RunAsync("keys", "rotate", projectId, firstId, "--overlap", "0", "--json")).Expect(ExitCodes.Ok).Json;
        var secondKey = rotated.GetProperty("key").GetString()!;
        var secondId = rotated.GetProperty("id").GetString()!;
        Assert.NotEqual(firstKey, secondKey);
        using (var first = node.Cli(firstKey))
        {
            (await first.RunAsync("ls")).Expect(ExitCodes.Auth);
        }
        using (var second = node.Cli(secondKey))
        {
            (await second.RunAsync("ls")).Expect(ExitCodes.Ok);
        }
        var human = (await admin.RunAsync("keys", "create", projectId)).Expect(ExitCodes.Ok);
        Assert.Matches("key     sk_", human.Out);
        Assert.Contains("only time the key is shown", human.Error);

        var revoked = (await admin.RunAsync("keys", "revoke", projectId, secondId, "--json")).Expect(ExitCodes.Ok).Json;
        Assert.Equal(secondId, revoked.GetProperty("revoked").GetString());
        using (var second = node.Cli(secondKey))
        {
            (await second.RunAsync("ls")).Expect(ExitCodes.Auth);
        }
        var keys = (await admin.RunAsync("keys", "ls", projectId, "--json")).Expect(ExitCodes.Ok).Json.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal("revoked", keys.Single(key => key.GetProperty("id").GetString() == secondId).GetProperty("status").GetString());
        Assert.DoesNotContain(keys, key => key.TryGetProperty("key", out _));

        (await admin.RunAsync("keys", "revoke", projectId, "k_missing")).Expect(ExitCodes.NotFound);
        (await admin.RunAsync("keys", "rotate", projectId, secondId)).Expect(ExitCodes.Refused);
        (await admin.RunAsync("keys", "create", "p_missing")).Expect(ExitCodes.NotFound);
    }

    [Fact]
    public async Task Cluster_shows_the_silo_and_watch_refreshes_until_interrupted()
    {
        using var cli = node.Cli();

        var cluster = (await cli.RunAsync("cluster", "--json")).Expect(ExitCodes.Ok).Json;
        var silo = Assert.Single(cluster.GetProperty("silos").EnumerateArray());
        Assert.Equal("active", silo.GetProperty("status").GetString());
        Assert.True(cluster.GetProperty("work").TryGetProperty("waiting", out _));
        var table = (await cli.RunAsync("cluster")).Expect(ExitCodes.Ok).Out;
        Assert.StartsWith("SILO", table);
        Assert.Contains("work: ", table);

        // Each refresh is one JSON line; stop after three, as Ctrl+C would.
        using var stop = new CancellationTokenSource();
        var refreshes = 0;
        cli.OnOutputLine = _ =>
        {
            if (Interlocked.Increment(ref refreshes) == 3)
            {
                stop.Cancel();
            }
        };
        var watched = (await cli.RunAsync(["cluster", "--watch", "--interval", "0.2", "--json"], stop.Token)).Expect(ExitCodes.Ok);
        Assert.True(watched.JsonLines.Count >= 3, watched.Out);
        Assert.All(watched.JsonLines, line => Assert.Equal(System.Text.Json.JsonValueKind.Array, line.GetProperty("silos").ValueKind));

        using var projectKeyOnly = new CliRunner(new() { ["STREAMIO_URL"] = node.BaseAddress.AbsoluteUri, ["STREAMIO_API_KEY"] = node.ApiKey });
        (await projectKeyOnly.RunAsync("cluster")).Expect(ExitCodes.Auth);
    }
}
