using System.Diagnostics;
using System.Text.Json;
using Streamio.Testing;

namespace Streamio.Cli.Tests;

/// <summary>
/// The CLI as users get it: `dotnet pack` makes the tool package, `dotnet tool install` puts `streamio` in a folder,
/// and that executable, killed mid-upload like a crash, resumes the upload on its next run against a real node.
/// </summary>
[Collection(CliNodeCollection.Name)]
public sealed class PackedToolTests(CliNodeFixture node)
{
    [Fact]
    public async Task The_packed_tool_installs_with_dotnet_tool_install_and_a_killed_upload_resumes()
    {
        using var temp = new TempDirectory("cli-tool");
        var project = Path.Combine(RepositoryRoot(), "src", "Streamio.Cli", "Streamio.Cli.csproj");
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        // The project is built already (the test references it): pack what was built.
        await RunAsync("dotnet", ["pack", project, "-c", configuration, "--no-build", "-o", temp.Combine("packages")], expect: 0);
        Assert.Single(Directory.GetFiles(temp.Combine("packages"), "Streamio.Cli.*.nupkg"));
        // Only the package just made: a feed's package of the same name must not win, and no network is needed.
        var feeds = temp.Combine("nuget.config");
        await File.WriteAllTextAsync(feeds, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{temp.Combine("packages")}" />
              </packageSources>
            </configuration>
            """);
        await RunAsync("dotnet", ["tool", "install", "Streamio.Cli", "--tool-path", temp.Combine("tools"), "--configfile", feeds], expect: 0);
        var tool = temp.Combine("tools", OperatingSystem.IsWindows() ? "streamio.exe" : "streamio");

        var version = await RunAsync(tool, ["--version"], expect: 0);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Out);

        var spec = CliNodeFixture.Clip with { DurationSeconds = 5 };
        var clip = await ClipFactory.GetAsync(spec);
        var size = new FileInfo(clip).Length;
        var environment = new Dictionary<string, string>
        {
            ["STREAMIO_URL"] = node.BaseAddress.AbsoluteUri,
            ["STREAMIO_API_KEY"] = node.ApiKey,
            ["STREAMIO_CONFIG_DIR"] = temp.Combine("config"),
        };

        // A crash mid-upload: the process is killed outright (SIGKILL) once it reports bytes sent, at a rate that
        // leaves most of the file unsent.
        var rate = Math.Max(size / 8, 16 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using (var killed = Start(tool, ["upload", clip, "--chunk-size", "32K", "--limit-rate", rate], environment))
        {
            while (await killed.StandardError.ReadLineAsync() is { } line)
            {
                if (line.Contains(" / ", StringComparison.Ordinal))
                {
                    killed.Kill(entireProcessTree: true);
                    break;
                }
            }
            await killed.WaitForExitAsync();
            Assert.NotEqual(0, killed.ExitCode);
        }

        var upload = await RunAsync(tool, ["upload", clip, "--wait", "ready", "--json"], expect: ExitCodes.Ok, environment);
        var result = JsonDocument.Parse(upload.Out).RootElement;
        var resumedFrom = result.GetProperty("resumedFrom").GetInt64();
        Assert.InRange(resumedFrom, 1, size - 1);
        Assert.Equal(size - resumedFrom, result.GetProperty("bytesSent").GetInt64());
        Assert.Equal("ready", result.GetProperty("video").GetProperty("status").GetString());
        var url = (await RunAsync(tool, ["play", result.GetProperty("videoId").GetString()!], expect: ExitCodes.Ok, environment)).Out.Trim();
        Assert.InRange(await MediaInspector.CountFramesAsync(url, "v:0"), spec.FrameCount - 1, spec.FrameCount + 1);
        await RunAsync(tool, ["get", "v_missing"], expect: ExitCodes.NotFound, environment);
    }

    private static Process Start(string file, string[] args, Dictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment ?? [])
        {
            start.Environment[name] = value;
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        return Process.Start(start)!;
    }

    private static async Task<(string Out, string Error)> RunAsync(string file, string[] args, int expect, Dictionary<string, string>? environment = null)
    {
        using var process = Start(file, args, environment);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == expect, $"{file} {string.Join(' ', args)} exited {process.ExitCode}:\n{await output}\n{await error}");
        return (await output, await error);
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Streamio.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException("the tests run outside the repository: no Streamio.sln above " + AppContext.BaseDirectory);
    }
}
