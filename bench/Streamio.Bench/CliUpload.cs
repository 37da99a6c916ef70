using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Streamio.Bench;

/// <summary>
/// <c>--cli-upload</c>: upload throughput to one node (a separate process on loopback) of the same large file, sent by
/// the CLI (`streamio upload`: tus, one PATCH by default, and in 8 MiB PATCHes) and by curl (one multipart <c>POST /v1/videos</c>, and
/// tus as one <c>PATCH</c> of the whole file). The file is random bytes, so the node's probe refuses it at once and no
/// encode competes with the next run; each video is deleted after its run. A run's time is the client process's
/// wall time, from start to exit (the CLI's includes .NET start-up, and its own measure of the upload is shown too).
/// </summary>
internal static class CliUpload
{
    public static async Task RunAsync(Dictionary<string, string> settings, string output)
    {
        var megabytes = int.Parse(settings.GetValueOrDefault("size-mb", "512"), CultureInfo.InvariantCulture);
        var runs = int.Parse(settings.GetValueOrDefault("runs", "3"), CultureInfo.InvariantCulture);
        var data = Path.Combine(output, "cli-upload-data");
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }
        var file = await RandomFileAsync(output, megabytes);
        var bytes = new FileInfo(file).Length;
        await using var node = await NodeProcess.StartAsync(new Dictionary<string, string>
        {
            ["Streamio:DataPath"] = data,
            ["Streamio:Storage:LocalPath"] = Path.Combine(data, "objects"),
            ["Streamio:Database:ConnectionString"] = $"Data Source={Path.Combine(data, "streamio.db")}",
            ["Streamio:Encoding:WorkPath"] = Path.Combine(data, "work"),
            ["Streamio:MaxUploadBytes"] = (bytes * 2).ToString(CultureInfo.InvariantCulture),
            ["Streamio:Cluster:SiloPort"] = Streamio.Testing.LoopbackPort.Free().ToString(CultureInfo.InvariantCulture),
            ["Streamio:Cluster:GatewayPort"] = Streamio.Testing.LoopbackPort.Free().ToString(CultureInfo.InvariantCulture),
        }, core: null);
        var url = node.Http.BaseAddress!.AbsoluteUri;
        var cli = typeof(Streamio.Cli.Commands.CliApp).Assembly.Location;
        var config = Path.Combine(output, "cli-upload-config");
        Console.WriteLine($"file: {file} ({megabytes} MiB of random bytes); node at {url}; {runs} runs each; {Environment.ProcessorCount} cores; load {Load()}");

        var clients = new (string Name, Func<Task<(string Output, double? OwnSeconds)>> Run)[]
        {
            ("curl, multipart POST /v1/videos", () => Curl(["-F", $"file=@{file};type=application/octet-stream", $"{url}v1/videos"])),
            ("curl, tus (one PATCH of the file)", () => CurlTusAsync(url, file, bytes)),
            ("streamio upload (tus, one PATCH)", () => Cli(cli, config, url, file, [])),
            ("streamio upload (tus, 8 MiB chunks)", () => Cli(cli, config, url, file, ["--chunk-size", "8M"])),
        };
        // Round-robin: each round runs every client once, so a change in the machine's load hits all of them alike.
        var rates = clients.Select(_ => new List<double>()).ToArray();
        var own = clients.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < runs; round++)
        {
            for (var i = 0; i < clients.Length; i++)
            {
                var clock = Stopwatch.StartNew();
                var (answer, ownSeconds) = await clients[i].Run();
                rates[i].Add(bytes / 1048576.0 / clock.Elapsed.TotalSeconds);
                if (ownSeconds is { } seconds)
                {
                    own[i].Add(bytes / 1048576.0 / seconds);
                }
                await DeleteVideoAsync(node.Http, answer);
            }
        }
        var results = new List<object>();
        Console.WriteLine($"client                                  MiB/s (median)   runs (MiB/s)                 CLI's own measure   (load {Load()})");
        for (var i = 0; i < clients.Length; i++)
        {
            var median = Median(rates[i]);
            var ownMedian = own[i].Count > 0 ? Median(own[i]) : (double?)null;
            var runsText = string.Join(" ", rates[i].Select(r => r.ToString("0.0", CultureInfo.InvariantCulture)));
            Console.WriteLine($"{clients[i].Name,-40} {median,8:0.0}         {runsText,-28} {(ownMedian is { } m ? $"{m,6:0.0} MiB/s" : "")}");
            results.Add(new { client = clients[i].Name, medianMiBPerSecond = median, runsMiBPerSecond = rates[i], cliOwnMiBPerSecond = ownMedian });
        }
        await File.WriteAllTextAsync(Path.Combine(output, "results-cli-upload.json"),
            JsonSerializer.Serialize(new { megabytes, runs, cores = Environment.ProcessorCount, results }, new JsonSerializerOptions { WriteIndented = true }));
    }

    private static async Task<(string, double?)> Curl(IReadOnlyList<string> arguments) => (await RunAsync("curl", ["-sS", "--fail-with-body", .. arguments]), null);

    /// <summary>tus with curl: create, then one PATCH streaming the file (-T reads it as it goes, never whole).</summary>
    private static async Task<(string, double?)> CurlTusAsync(string url, string file, long bytes)
    {
        var headers = await RunAsync("curl", ["-sS", "--fail-with-body", "-D", "-", "-o", "/dev/null", "-X", "POST", "-H", "Tus-Resumable: 1.0.0",
            "-H", $"Upload-Length: {bytes}", $"{url}v1/tus"]);
        var location = headers.Split('\n').Single(line => line.StartsWith("Location:", StringComparison.OrdinalIgnoreCase))["Location:".Length..].Trim();
        var patched = await RunAsync("curl", ["-sS", "--fail-with-body", "-D", "-", "-o", "/dev/null", "-X", "PATCH", "-H", "Tus-Resumable: 1.0.0",
            "-H", "Upload-Offset: 0", "-H", "Content-Type: application/offset+octet-stream", "-H", "Expect:", "-T", file, location]);
        var videoId = patched.Split('\n').Single(line => line.StartsWith("Streamio-Video-Id:", StringComparison.OrdinalIgnoreCase))["Streamio-Video-Id:".Length..].Trim();
        return ($"{{\"id\":\"{videoId}\"}}", null);
    }

    private static async Task<(string, double?)> Cli(string cli, string config, string url, string file, IReadOnlyList<string> extra)
    {
        var answer = await RunAsync("dotnet", [cli, "upload", file, "--wait", "none", "--quiet", "--json", "--url", url, "--config-dir", config, .. extra]);
        var line = JsonDocument.Parse(answer).RootElement;
        return ($"{{\"id\":\"{line.GetProperty("videoId").GetString()}\"}}", line.GetProperty("seconds").GetDouble());
    }

    private static async Task DeleteVideoAsync(HttpClient http, string answer)
    {
        var id = JsonDocument.Parse(answer).RootElement.GetProperty("id").GetString();
        using var deleted = await http.DeleteAsync($"/v1/videos/{id}");
    }

    private static async Task<string> RunAsync(string file, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }
        return await stdout;
    }

    private static async Task<string> RandomFileAsync(string output, int megabytes)
    {
        var path = Path.Combine(output, $"random-{megabytes}mib.bin");
        if (!File.Exists(path) || new FileInfo(path).Length != megabytes * 1048576L)
        {
            await using var stream = File.Create(path);
            var block = new byte[1048576];
            for (var i = 0; i < megabytes; i++)
            {
                RandomNumberGenerator.Fill(block);
                await stream.WriteAsync(block);
            }
        }
        return path;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
