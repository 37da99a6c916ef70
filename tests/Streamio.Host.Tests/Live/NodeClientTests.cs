using System.Diagnostics;
using System.Text.Json.Nodes;
using Streamio.Testing;

namespace Streamio.Host.Tests.Live;

/// <summary>The hub with the npm @microsoft/signalr client under Node (what browsers and JavaScript apps use).</summary>
[Collection(SharedNodeCollection.Name)]
public sealed class NodeClientTests(SharedNodeFixture fixture)
{
    [Fact]
    public async Task The_npm_SignalR_client_receives_updates_in_order_until_ready()
    {
        var clip = await ClipFactory.GetAsync(new ClipSpec(DurationSeconds: 8, Width: 640, Height: 360, Gop: 15));
        var uploaded = await fixture.Node.UploadOkAsync(clip, "Watched from Node");

        var (exitCode, stdout, stderr) = await RunNodeAsync(RepositoryFile("tests/js/watch-video.mjs"), fixture.Node.BaseAddress.ToString(), uploaded.Id);

        Assert.True(exitCode == 0, $"watch-video.mjs exited with {exitCode}:\n{stderr}\n{stdout}");
        var updates = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!).ToList();
        Assert.Equal("ready", (string)updates[^1]["status"]!);
        Assert.Contains(updates, update => (string)update["status"]! == "encoding");
        LiveUpdates.AssertInOrder(updates);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunNodeAsync(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(script)! };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>A file of the repository, found by walking up from the test binaries to Streamio.sln.</summary>
    private static string RepositoryFile(string relative)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Streamio.sln")))
            {
                return Path.Combine(folder.FullName, relative);
            }
        }
        throw new InvalidOperationException("Streamio.sln not found above " + AppContext.BaseDirectory);
    }
}
