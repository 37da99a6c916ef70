using Streamio.Cli.Configuration;
using Streamio.Testing;

namespace Streamio.Cli.Tests;

/// <summary>Where settings come from: flags, then the environment, then the profile file.</summary>
[Collection(CliNodeCollection.Name)]
public sealed class ConfigTests(CliNodeFixture node)
{
    private string Unreachable { get; } = $"http://127.0.0.1:{LoopbackPort.Free()}/";

    [Fact]
    public async Task A_profile_set_with_config_set_is_used_when_no_flag_or_variable_says_otherwise()
    {
        using var cli = new CliRunner([]);

        (await cli.RunAsync("config", "set", "url", node.BaseAddress.AbsoluteUri, "--profile", "staging")).Expect(ExitCodes.Ok);
        (await cli.RunAsync("config", "set", "api-key", node.ApiKey, "--profile", "staging")).Expect(ExitCodes.Ok);
        (await cli.RunAsync("config", "set", "url", Unreachable, "--profile", "broken")).Expect(ExitCodes.Ok);

        // The first profile written is the one in use.
        (await cli.RunAsync("ls")).Expect(ExitCodes.Ok);
        var shown = (await cli.RunAsync("config", "show", "--json")).Expect(ExitCodes.Ok).Json;
        Assert.Equal("staging", shown.GetProperty("profile").GetString());
        Assert.Equal(node.BaseAddress.AbsoluteUri, shown.GetProperty("url").GetString());
        Assert.DoesNotContain(node.ApiKey, shown.ToString());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(cli.ConfigFolder, ProfileFile.FileName)));
        }

        (await cli.RunAsync("config", "use", "broken")).Expect(ExitCodes.Ok);
        (await cli.RunAsync("ls")).Expect(ExitCodes.Unavailable);
        // --profile, then STREAMIO_PROFILE, pick another profile for one run.
        (await cli.RunAsync("ls", "--profile", "staging")).Expect(ExitCodes.Ok);
        cli.Environment["STREAMIO_PROFILE"] = "staging";
        (await cli.RunAsync("ls")).Expect(ExitCodes.Ok);
        (await cli.RunAsync("ls", "--profile", "nonesuch")).Expect(ExitCodes.Usage);
        (await cli.RunAsync("config", "use", "nonesuch")).Expect(ExitCodes.Usage);
        (await cli.RunAsync("config", "set", "url", "not a url")).Expect(ExitCodes.Usage);
    }

    [Fact]
    public async Task Flags_win_over_the_environment_which_wins_over_the_profile()
    {
        using var cli = new CliRunner([]);
        (await cli.RunAsync("config", "set", "url", Unreachable)).Expect(ExitCodes.Ok);
        (await cli.RunAsync("config", "set", "api-key", "sk_profile_key_that_is_wrong")).Expect(ExitCodes.Ok);

        (await cli.RunAsync("ls")).Expect(ExitCodes.Unavailable);
        cli.Environment["STREAMIO_URL"] = node.BaseAddress.AbsoluteUri;
        (await cli.RunAsync("ls")).Expect(ExitCodes.Auth);
        cli.Environment["STREAMIO_API_KEY"] = node.ApiKey;
        (await cli.RunAsync("ls")).Expect(ExitCodes.Ok);
        (await cli.RunAsync("ls", "--api-key", "sk_flag_key_that_is_wrong")).Expect(ExitCodes.Auth);
        (await cli.RunAsync("ls", "--url", Unreachable)).Expect(ExitCodes.Unavailable);
    }

    [Fact]
    public async Task A_damaged_profile_file_is_a_usage_error_naming_the_file()
    {
        using var cli = new CliRunner([]);
        await File.WriteAllTextAsync(Path.Combine(cli.ConfigFolder, ProfileFile.FileName), "{ not json");

        var run = (await cli.RunAsync("ls")).Expect(ExitCodes.Usage);

        Assert.Contains(Path.Combine(cli.ConfigFolder, ProfileFile.FileName), run.Error);
    }
}
