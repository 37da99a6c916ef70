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
        var settings = new Dictionary<string, string>
        {
            ["Streamio:Encoding:SegmentsPerChunk"] = segmentsPerChunk,
            ["Streamio:Ffmpeg:Preset"] = preset,
        };
        await using var cluster = await BenchCluster.StartAsync(postgres, silos, root, settings, niceness);
        var api = cluster.Api;
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
                    cluster.Silos.Select(node => node.CpuSeconds()).ToList());
            }
            await Task.Delay(50);
        }
    }
}

/// <summary>One run; <see cref="SiloCpuSeconds"/> shows every silo did its share (CPU of the silo and its FFmpeg runs).</summary>
internal sealed record ScaleOutRun(int Silos, double LadderSeconds, double ReadySeconds, IReadOnlyList<double> SiloCpuSeconds);
