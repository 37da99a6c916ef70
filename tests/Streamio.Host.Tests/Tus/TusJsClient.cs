using System.Diagnostics;
using System.Text.Json;

namespace Streamio.Host.Tests.Tus;

/// <summary>Runs tus-client.mjs (the real tus-js-client under Node) and collects the JSON events it prints.</summary>
public static class TusJsClient
{
    private static string Script => Path.Combine(AppContext.BaseDirectory, "Tus", "tus-client.mjs");

    public static async Task<IReadOnlyList<JsonElement>> RunAsync(Uri endpoint, string file, int chunkSize, string mode, string argument)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // The script sits in the test output folder inside the repository, so Node finds the root node_modules.
            WorkingDirectory = Path.GetDirectoryName(Script)!,
        };
        foreach (var arg in new[] { Script, endpoint.ToString(), file, chunkSize.ToString(System.Globalization.CultureInfo.InvariantCulture), mode, argument })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            try
            {
                await process.WaitForExitAsync(guard.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"tus-js-client did not finish: {await stdout}\n{await stderr}");
            }
        }
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(process.ExitCode == 0, $"tus-js-client exited with {process.ExitCode}:\n{string.Join('\n', lines)}\n{await stderr}");
        return lines.Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
    }

    public static JsonElement Single(this IReadOnlyList<JsonElement> events, string name) =>
        Assert.Single(events, e => e.GetProperty("event").GetString() == name);

    public static IEnumerable<JsonElement> Responses(this IReadOnlyList<JsonElement> events) =>
        events.Where(e => e.GetProperty("event").GetString() == "response");
}
