using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Streamio.Abstractions.Wire;
using Streamio.Host;
using Streamio.Host.Api;
using Streamio.Media;
using Streamio.Media.Forensics;
using Streamio.Media.Processes;
using Streamio.Testing;

namespace Streamio.Bench;

/// <summary>
/// <c>--forensics</c>: what the forensic A/B rung costs and how well the leak detector does.
/// 1. One chunk of a 720p clip encoded into the ladder (720p, 480p, 360p) with and without the A/B copies of 720p:
///    CPU seconds of FFmpeg, and the PSNR of A and B against the plain 720p rung and against each other.
/// 2. A forensic video on an embedded node; leaks recorded from viewers' real playback URLs with varied players,
///    gammas, sizes, bitrates and cuts; each sent to <c>POST /v1/forensics/detect</c>. Plus false-positive checks: leaks
///    of the unmarked stream and of another video.
/// </summary>
internal static class Forensics
{
    public static async Task RunAsync(Dictionary<string, string> settings, string output)
    {
        var preset = settings.GetValueOrDefault("preset", "veryfast");
        var strength = double.Parse(settings.GetValueOrDefault("strength", "3"), CultureInfo.InvariantCulture);
        var leaks = int.Parse(settings.GetValueOrDefault("leaks", "24"), CultureInfo.InvariantCulture);
        var folder = Path.Combine(output, "forensics");
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
        Directory.CreateDirectory(folder);
        Console.WriteLine($"forensics: preset {preset}, mark strength ±{strength} levels, {Environment.ProcessorCount} cores");

        // --detection-only skips the encode-cost part (its figures do not depend on the detector).
        var cost = settings.ContainsKey("detection-only") ? null : await MeasureCostAsync(folder, preset, strength);
        var detection = await MeasureDetectionAsync(folder, preset, strength, leaks);
        await File.WriteAllTextAsync(Path.Combine(output, "forensics.json"),
            JsonSerializer.Serialize(new { preset, strength, cost, detection },
                new JsonSerializerOptions { WriteIndented = true, IncludeFields = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
    }

    private static async Task<object> MeasureCostAsync(string folder, string preset, double strength)
    {
        const int seconds = 10;
        var clip = await LeakSimulator.MovingClipAsync(Path.Combine(folder, "cost-720p.mp4"), seconds, 1280, 720, seed: 3);
        // A shared machine can be slow: the bench measures CPU, not deadlines.
        var options = new FfmpegOptions { Preset = preset, TaskTimeoutPerMediaSecond = 120 };
        var encoder = new FfmpegEncoder(new FfmpegRunner(new ProcessRunner(NullLogger<ProcessRunner>.Instance), Options.Create(options)), Options.Create(options),
            NullLogger<FfmpegEncoder>.Instance);
        var pattern = new ForensicPattern("v_bench");
        Rung[] ladder = [new("720p", 1280, 720, 3000), new("480p", 854, 480, 1500), new("360p", 640, 360, 800)];
        Rung Copy(int sign)
        {
            var path = Path.Combine(folder, sign > 0 ? "mark-a.yuv" : "mark-b.yuv");
            File.WriteAllBytes(path, pattern.Yuv420Frame(1280, 720, strength, sign));
            return new Rung(sign > 0 ? "720p-a" : "720p-b", 1280, 720, 3000) { MarkPatternPath = path };
        }

        async Task<TimeSpan> EncodeAsync(string name, IReadOnlyList<Rung> rungs)
        {
            var job = new ChunkEncodeJob(MediaInput.LocalFile(clip), 0, seconds, 0, 4, rungs, Path.Combine(folder, name));
            var (_, cpu) = await ChildCpu.MeasureAsync(() => encoder.EncodeChunkAsync(job, _ => Task.CompletedTask, null, CancellationToken.None));
            return cpu;
        }

        // Each configuration twice, alternating, and the lower figure kept: the machine is shared.
        var plain = TimeSpan.MaxValue;
        var marked = TimeSpan.MaxValue;
        for (var run = 0; run < 2; run++)
        {
            plain = Min(plain, await EncodeAsync($"plain-{run}", ladder));
            marked = Min(marked, await EncodeAsync($"marked-{run}", [.. ladder, Copy(1), Copy(-1)]));
        }
        string Joined(string run, string rung)
        {
            var path = Path.Combine(folder, $"{run}-{rung}.ts");
            using var joined = File.Create(path);
            foreach (var segment in Directory.GetFiles(Path.Combine(folder, run, rung), "*.ts").OrderBy(file => int.Parse(Path.GetFileNameWithoutExtension(file), CultureInfo.InvariantCulture)))
            {
                using var part = File.OpenRead(segment);
                part.CopyTo(joined);
            }
            return path;
        }
        var (a, b, p) = (Joined("marked-1", "720p-a"), Joined("marked-1", "720p-b"), Joined("marked-1", "720p"));
        var aPlain = await MediaInspector.PsnrAsync(a, p);
        var bPlain = await MediaInspector.PsnrAsync(b, p);
        var ab = await MediaInspector.PsnrAsync(a, b);
        Console.WriteLine($"\nA/B rung cost ({seconds} s of 720p, ladder 720p+480p+360p, one chunk):");
        Console.WriteLine($"  ladder            CPU {plain.TotalSeconds,7:0.00} s");
        Console.WriteLine($"  ladder + A + B    CPU {marked.TotalSeconds,7:0.00} s   ({marked / plain:0.00}×, +{(marked - plain).TotalSeconds:0.00} s)");
        Console.WriteLine($"PSNR luma (all planes): A vs plain {aPlain.Luma:0.0} ({aPlain.Average:0.0}) dB, B vs plain {bPlain.Luma:0.0} ({bPlain.Average:0.0}) dB, A vs B {ab.Luma:0.0} ({ab.Average:0.0}) dB");
        return new
        {
            plainCpu = plain.TotalSeconds, markedCpu = marked.TotalSeconds, ratio = marked / plain,
            psnr = new { aVsPlain = aPlain, bVsPlain = bPlain, aVsB = ab },
        };
    }

    private static async Task<object> MeasureDetectionAsync(string folder, string preset, double strength, int leakCount)
    {
        var data = Path.Combine(folder, "node");
        var app = StreamioApp.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(EmbeddedData.Settings(data))
            {
                ["Streamio:Encoding:SegmentSeconds"] = "2",
                ["Streamio:Encoding:Ladder:0:Name"] = "360p",
                ["Streamio:Encoding:Ladder:0:Width"] = "640",
                ["Streamio:Encoding:Ladder:0:Height"] = "360",
                ["Streamio:Encoding:Ladder:0:VideoKbps"] = "1000",
                ["Streamio:Forensics:Strength"] = strength.ToString(CultureInfo.InvariantCulture),
                ["Streamio:Ffmpeg:Preset"] = preset,
            });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(15) };
            var clip = await LeakSimulator.MovingClipAsync(Path.Combine(folder, "forensic.mp4"), 40, 640, 360, seed: 11);
            var other = await LeakSimulator.MovingClipAsync(Path.Combine(folder, "other.mp4"), 30, 640, 360, seed: 12, pattern: "smptehdbars");
            using var form = new MultipartFormDataContent { { new StreamContent(File.OpenRead(clip)), "file", "forensic.mp4" }, { new StringContent("true"), "forensic" } };
            using var uploaded = await http.PostAsync("/v1/videos", form);
            uploaded.EnsureSuccessStatusCode();
            var id = (await uploaded.Content.ReadFromJsonAsync<VideoResponse>())!.Id;
            while ((await http.GetFromJsonAsync<VideoResponse>($"/v1/videos/{id}"))!.Status is not ("ready" or "failed"))
            {
                await Task.Delay(200);
            }

            var viewers = Enumerable.Range(1, 8).Select(i => $"viewer-{i:D2}").ToList();
            var urls = new Dictionary<string, string>();
            foreach (var viewer in viewers)
            {
                urls[viewer] = await PlaybackUrlAsync(http, id, viewer);
            }
            var random = new Random(20261201);
            (int W, int H)[] players = [(800, 600), (960, 540), (720, 720), (1024, 600), (1280, 720)];
            int[] bitrates = [250, 300, 400, 500, 800];
            double[] gammas = [0.9, 1.0, 1.1, 1.2];
            var rows = new List<object>();
            var (right, wrong, missed) = (0, 0, 0);
            var confidences = new List<double>();
            Console.WriteLine($"\nleaks of a 40 s forensic video (2 s segments, 360p rung, {viewers.Count} viewers known):");
            for (var i = 0; i < leakCount; i++)
            {
                var viewer = viewers[i % viewers.Count];
                var player = players[random.Next(players.Length)];
                var start = Math.Round(2 + random.NextDouble() * 14, 1);
                double? duration = random.Next(3) == 0 ? null : Math.Round(12 + random.NextDouble() * 12, 1);
                var leak = new LeakDegradation(start, duration, bitrates[random.Next(bitrates.Length)], random.Next(2) == 0 ? 480 : 360, player.W, player.H,
                    gammas[random.Next(gammas.Length)]);
                var answer = await DetectAsync(http, id, await LeakSimulator.RecordAsync(urls[viewer], leak, Path.Combine(folder, $"leak-{i}.mp4")));
                var outcome = answer.Match ? (answer.Viewer == viewer ? "right" : "WRONG") : "missed";
                (right, wrong, missed) = outcome switch { "right" => (right + 1, wrong, missed), "WRONG" => (right, wrong + 1, missed), _ => (right, wrong, missed + 1) };
                if (answer.Match)
                {
                    confidences.Add(answer.Confidence ?? 0);
                }
                var scores = string.Join(", ", answer.Candidates.Take(3).Select(candidate => $"{candidate.Viewer} {candidate.Score:0.0}"));
                Console.WriteLine($"  {viewer} {leak}: {outcome} ({answer.Verdict}, {answer.SegmentsRead} segments, confidence {answer.Confidence:0.0000}; top scores {scores}){(answer.Match ? "" : " " + answer.Reason)}");
                rows.Add(new { viewer, leak = leak.ToString(), outcome, answer.Verdict, answer.Viewer, answer.Confidence, answer.SegmentsRead, best = answer.Candidates.FirstOrDefault()?.Score });
            }

            var falsePositives = 0;
            var checks = new List<object>();
            for (var i = 0; i < 4; i++)
            {
                var leak = new LeakDegradation(3 + i * 3, 20, bitrates[i], 480, players[i].W, players[i].H, gammas[i]);
                var source = i < 3 ? await PlaybackUrlAsync(http, id, null) : other;
                var answer = await DetectAsync(http, id, await LeakSimulator.RecordAsync(source, leak, Path.Combine(folder, $"negative-{i}.mp4")));
                falsePositives += answer.Match ? 1 : 0;
                var what = i < 3 ? "unmarked stream" : "another video";
                Console.WriteLine($"  {what} {leak}: {answer.Verdict}{(answer.Match ? " (FALSE POSITIVE: " + answer.Viewer + ")" : "")}");
                checks.Add(new { what, leak = leak.ToString(), answer.Verdict, answer.Viewer });
            }
            Console.WriteLine($"\ndetector: {right}/{leakCount} right, {wrong} wrong, {missed} missed; lowest confidence {(confidences.Count > 0 ? confidences.Min() : 0):0.0000}; false positives {falsePositives}/4");
            return new { leaks = leakCount, right, wrong, missed, falsePositives, rows, checks };
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task<string> PlaybackUrlAsync(HttpClient http, string id, string? viewer)
    {
        using var response = await http.PostAsJsonAsync($"/v1/videos/{id}/playback", new PlaybackRequest(null, viewer));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<PlaybackResponse>())!.Url;
    }

    private static async Task<LeakDetectionResponse> DetectAsync(HttpClient http, string id, string leak)
    {
        using var form = new MultipartFormDataContent { { new StringContent(id), "videoId" }, { new StreamContent(File.OpenRead(leak)), "file", "leak.mp4" } };
        using var response = await http.PostAsync("/v1/forensics/detect", form);
        var body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? JsonSerializer.Deserialize<LeakDetectionResponse>(body, new JsonSerializerOptions(JsonSerializerDefaults.Web))!
            : throw new InvalidOperationException($"detect answered {(int)response.StatusCode}: {body}");
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
