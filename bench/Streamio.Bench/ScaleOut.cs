using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Streamio.Abstractions.Wire;
using Streamio.Testing;

namespace Streamio.Bench;

/// <summary>
/// Scale-out: one long clip through an API node plus 1, then 2 silo processes, each silo on one core (taskset) with one
/// worker, against a private PostgreSQL and one shared storage folder. Prints wall times and the speed-up.
/// </summary>
internal static class ScaleOut
{
    public static async Task RunAsync(IReadOnlyDictionary<string, string> settings, string output)
    {
        var seconds = int.Parse(settings.GetValueOrDefault("seconds", "60"), CultureInfo.InvariantCulture);
        var height = int.Parse(settings.GetValueOrDefault("height", "720"), CultureInfo.InvariantCulture);
        var preset = settings.GetValueOrDefault("preset", "veryfast");
        var segmentsPerChunk = settings.GetValueOrDefault("segments-per-chunk", "1");
        int? niceness = settings.TryGetValue("nice", out var nice) ? int.Parse(nice, CultureInfo.InvariantCulture) : null;
        var siloCounts = settings.GetValueOrDefault("silos", "1,2").Split(',').Select(count => int.Parse(count, CultureInfo.InvariantCulture)).ToList();
        var clip = await Ffmpeg.ClipAsync(output, seconds, height * 16 / 9, height);
        Console.WriteLine($"scale-out: {clip} ({height}p30, {seconds} s, audio); preset {preset}; {segmentsPerChunk} segment(s) per chunk; " +
                          $"silos pinned to one core each, 1 worker{(niceness is null ? "" : $", nice {niceness}")}; {Environment.ProcessorCount} cores");

        var postgres = await PostgresServer.StartPrivateAsync();
        var runs = new List<ScaleOutRun>();
        try
        {
            foreach (var silos in siloCounts)
            {
                var run = await RunOnceAsync(postgres, clip, silos, preset, segmentsPerChunk, niceness, Path.Combine(output, $"scale-out-{silos}"));
                Console.WriteLine($"  {silos} silo(s): ladder {run.LadderSeconds,7:0.00} s, ready {run.ReadySeconds,7:0.00} s, " +
                                  $"CPU s per silo: {string.Join(", ", run.SiloCpuSeconds.Select(cpu => cpu.ToString("0.0", CultureInfo.InvariantCulture)))}");
                runs.Add(run);
            }
        }
        finally
        {
            await postgres.DisposeAsync();
        }

        var baseline = runs[0];
        Console.WriteLine();
        Console.WriteLine("silos   ladder wall s   ready wall s   speed-up (ladder)   speed-up (ready)");
        foreach (var run in runs)
        {
            Console.WriteLine($"{run.Silos,5}   {run.LadderSeconds,13:0.00}   {run.ReadySeconds,12:0.00}   {baseline.LadderSeconds / run.LadderSeconds,16:0.00}×   {baseline.ReadySeconds / run.ReadySeconds,15:0.00}×");
        }
        Console.WriteLine("target: ≥ 1.8× with 2 silos");
        await File.WriteAllTextAsync(Path.Combine(output, "results-scale-out.json"), JsonSerializer.Serialize(
            new { clipSeconds = seconds, height, preset, segmentsPerChunk, cores = Environment.ProcessorCount, runs },
            new JsonSerializerOptions { WriteIndented = true }));
    }

    private static async Task<ScaleOutRun> RunOnceAsync(PostgresServer postgres, string clip, int silos, string preset, string segmentsPerChunk, int? niceness, string root)
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
        var database = await postgres.CreateDatabaseAsync();
        var nodes = new List<NodeProcess>();
        var siloNodes = new List<NodeProcess>();
        try
        {
            // Every node finds the others through Orleans' ADO.NET membership tables in the same database.
            Dictionary<string, string> Node(string roles, string name) => new()
            {
                ["Streamio:Roles"] = roles,
                ["Streamio:Cluster:Clustering"] = "AdoNet",
                ["Streamio:Cluster:ClusterId"] = Path.GetFileName(root),
                ["Streamio:Cluster:AdvertisedAddress"] = "127.0.0.1",
                ["Streamio:Cluster:SiloPort"] = LoopbackPort.Free().ToString(CultureInfo.InvariantCulture),
                ["Streamio:Cluster:GatewayPort"] = LoopbackPort.Free().ToString(CultureInfo.InvariantCulture),
                ["Streamio:DataPath"] = Path.Combine(root, name),
                ["Streamio:Encoding:WorkPath"] = Path.Combine(root, name, "work"),
                ["Streamio:Storage:LocalPath"] = Path.Combine(root, "objects"),
                ["Streamio:Database:Kind"] = "Postgres",
                ["Streamio:Database:ConnectionString"] = database,
                ["Streamio:Encoding:SegmentsPerChunk"] = segmentsPerChunk,
                ["Streamio:Ffmpeg:Preset"] = preset,
                ["Streamio:Silo:Workers"] = "1",
                ["Streamio:Live:Rtmp:Port"] = "0",
                ["Streamio:Live:Srt:Port"] = "0",
            };
            // Silos first: the API node is an Orleans client and is ready once it reaches a gateway.
            for (var silo = 0; silo < silos; silo++)
            {
                siloNodes.Add(await NodeProcess.StartAsync(Node("silo", $"silo-{silo}"), core: silo % Environment.ProcessorCount, niceness));
                nodes.Add(siloNodes[^1]);
            }
            var api = await NodeProcess.StartAsync(Node("api", "api"), core: null);
            nodes.Add(api);

            using var form = new MultipartFormDataContent { { new StreamContent(File.OpenRead(clip)), "file", Path.GetFileName(clip) } };
            using var response = await api.Http.PostAsync("/v1/videos", form);
            response.EnsureSuccessStatusCode();
            var clock = Stopwatch.StartNew();
            var id = (await response.Content.ReadFromJsonAsync<VideoResponse>())!.Id;
            TimeSpan? ladder = null;
            while (true)
            {
                var video = (await api.Http.GetFromJsonAsync<VideoResponse>($"/v1/videos/{id}"))!;
                if (video.Status == "failed")
                {
                    throw new InvalidOperationException($"Streamio failed the benchmark clip: {video.Error}");
                }
                if (ladder is null && video.Renditions.Count > 0 && video.Renditions.All(r => r.Status == "ready"))
                {
                    ladder = clock.Elapsed;
                }
                if (video.Status == "ready")
                {
                    return new ScaleOutRun(silos, (ladder ?? clock.Elapsed).TotalSeconds, clock.Elapsed.TotalSeconds,
                        siloNodes.Select(node => node.CpuSeconds()).ToList());
                }
                await Task.Delay(50);
            }
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
            await postgres.DropDatabaseAsync(database);
        }
    }
}

/// <summary>One run; <see cref="SiloCpuSeconds"/> shows every silo did its share (CPU of the silo and its FFmpeg runs).</summary>
internal sealed record ScaleOutRun(int Silos, double LadderSeconds, double ReadySeconds, IReadOnlyList<double> SiloCpuSeconds);
