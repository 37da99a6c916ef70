namespace Streamio.Cli.Tests;

/// <summary>`webhooks create|ls|rm|deliveries` for the key's project.</summary>
[Collection(CliNodeCollection.Name)]
public sealed class WebhookCommandTests(CliNodeFixture node)
{
    [Fact]
    public async Task Webhooks_are_created_with_a_secret_listed_without_it_and_deleted()
    {
        var (_, key) = await node.NewProjectAsync("Webhooks from the CLI");
        using var cli = node.Cli(key);

        var created = (await cli.RunAsync("webhooks", "create", "https://example.com/hooks/streamio", "--event", "video.ready", "-e", "video.failed", "--json"))
            .Expect(ExitCodes.Ok).Json;
        var id = created.GetProperty("id").GetString()!;
        Assert.StartsWith("whsec_", created.GetProperty("secret").GetString());
        Assert.Equal(["video.ready", "video.failed"], created.GetProperty("events").EnumerateArray().Select(e => e.GetString()));

        var listed = (await cli.RunAsync("webhooks", "ls", "--json")).Expect(ExitCodes.Ok).Json.GetProperty("items");
        var item = Assert.Single(listed.EnumerateArray());
        Assert.Equal(id, item.GetProperty("id").GetString());
        Assert.False(item.TryGetProperty("secret", out _), "the secret is shown once, at creation");
        Assert.Contains("https://example.com/hooks/streamio", (await cli.RunAsync("webhooks", "ls")).Expect(ExitCodes.Ok).Out);
        Assert.Empty((await cli.RunAsync("webhooks", "deliveries", id, "--json")).Expect(ExitCodes.Ok).Json.GetProperty("items").EnumerateArray());

        Assert.Equal(id, (await cli.RunAsync("webhooks", "rm", id, "--json")).Expect(ExitCodes.Ok).Json.GetProperty("deleted").GetString());
        Assert.Empty((await cli.RunAsync("webhooks", "ls", "--json")).Expect(ExitCodes.Ok).Json.GetProperty("items").EnumerateArray());
        (await cli.RunAsync("webhooks", "rm", id)).Expect(ExitCodes.NotFound);
    }

    [Fact]
    public async Task A_bad_url_or_event_is_refused_with_exit_code_6_and_the_servers_reason()
    {
        using var cli = node.Cli();

        var badUrl = (await cli.RunAsync("webhooks", "create", "not-a-url", "--json")).Expect(ExitCodes.Refused);
        Assert.Equal(400, badUrl.Json.GetProperty("error").GetProperty("status").GetInt32());
        Assert.Contains("url must be an absolute http or https URL", badUrl.Error);
        var badEvent = (await cli.RunAsync("webhooks", "create", "https://example.com/h", "--event", "video.exploded")).Expect(ExitCodes.Refused);
        Assert.Contains("'video.exploded' is not a webhook event", badEvent.Error);
    }
}
