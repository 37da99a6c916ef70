using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Streamio.Abstractions.Wire;
using Streamio.Host;

namespace Streamio.Bench;

/// <summary>
/// <c>--watermark</c>: burned-in watermark sessions on an embedded node, from a 720p30 video already encoded.
/// (1) Seconds from <c>POST /v1/videos/{id}/playback</c> with a watermark to the first segment a player can fetch
/// (its playlist lists it and the segment answers 200): the median of several sessions, each run alone.
/// (2) Sessions per core at 720p in real time: N sessions started together, N = 1, 2, …; a round keeps up when every
/// session made its whole stream at least as fast as it plays; the largest N that keeps up, over the cores. That
/// figure depends on what else the machine runs, so the CPU a session costs (this process and its FFmpeg children,
/// per second of video, from the sessions of (1), each run alone) is reported too: 1 / that is the sessions one free
/// core sustains in real time.
/// </summary>
internal static class Watermarks
{
    public static async Task RunAsync(Dictionary<string, string> settings, string output)
    {
        var seconds = int.Parse(settings.GetValueOrDefault("seconds", "30"), CultureInfo.InvariantCulture);
        var samples = int.Parse(settings.GetValueOrDefault("samples", "7"), CultureInfo.InvariantCulture);
        var maxSessions = int.Parse(settings.GetValueOrDefault("max-sessions", "8"), CultureInfo.InvariantCulture);
        var preset = settings.GetValueOrDefault("preset", "veryfast");
        var clip = await Ffmpeg.ClipAsync(output, seconds, 1280, 720);
        var (app, http) = await EmbeddedData.StartNodeAsync(Path.Combine(output, "watermark-data"), new Dictionary<string, string?>
        {
            ["Streamio:Watermark:MaxSessionsPerSilo"] = maxSessions.ToString(CultureInfo.InvariantCulture),
            ["Streamio:Watermark:Preset"] = preset,
        });
        using var _ = http;
        var videoId = await UploadReadyAsync(http, clip);
        Console.WriteLine($"clip: {clip} (720p30, {seconds} s) encoded; watermark preset {preset}; {Environment.ProcessorCount} cores; load {LoadAverage()}");

        var latencies = new List<double>();
        var cpuPerSecond = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            var cpu = ChildCpu.Total();
            var session = await StartAsync(http, videoId, $"latency-{i}");
            latencies.Add(session.FirstSegment.TotalSeconds);
            await session.Completed;
            cpuPerSecond.Add((ChildCpu.Total() - cpu).TotalSeconds / seconds);
        }
        latencies.Sort();
        cpuPerSecond.Sort();
        var median = latencies[latencies.Count / 2];
        var cpuMedian = cpuPerSecond[cpuPerSecond.Count / 2];
        Console.WriteLine($"request → first playable segment: median {median:0.00} s of {samples} (min {latencies[0]:0.00}, max {latencies[^1]:0.00}); goal < 1.5 s; load {LoadAverage()}");
        Console.WriteLine($"CPU per session: {cpuMedian:0.000} CPU-s per second of 720p video (median) → {1 / cpuMedian:0.0} real-time sessions per free core");

        var kept = 0;
        var rounds = new List<object>();
        for (var n = 1; n <= maxSessions; n++)
        {
            var sessions = await Task.WhenAll(Enumerable.Range(0, n).Select(i => StartAsync(http, videoId, $"round-{n}-{i}")));
            var speeds = await Task.WhenAll(sessions.Select(async session => seconds / (await session.Completed).TotalSeconds));
            var keepsUp = speeds.All(speed => speed >= 1);
            Console.WriteLine($"{n} concurrent sessions: slowest made its stream at {speeds.Min():0.00}× real time ({(keepsUp ? "keeps up" : "falls behind")}); load {LoadAverage()}");
            rounds.Add(new { sessions = n, slowestSpeed = speeds.Min(), keepsUp });
            if (!keepsUp)
            {
                break;
            }
            kept = n;
        }
        Console.WriteLine($"720p sessions in real time: {kept} on {Environment.ProcessorCount} cores = {(double)kept / Environment.ProcessorCount:0.0} per core");
        await File.WriteAllTextAsync(Path.Combine(output, "watermark.json"), System.Text.Json.JsonSerializer.Serialize(new
        {
            clipSeconds = seconds, preset, cores = Environment.ProcessorCount, firstSegmentSeconds = latencies, medianFirstSegmentSeconds = median,
            cpuSecondsPerVideoSecond = cpuPerSecond, sessionsPerFreeCore = 1 / cpuMedian,
            rounds, realTimeSessions = kept, sessionsPerCore = (double)kept / Environment.ProcessorCount, loadAverage = LoadAverage(),
        }));
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private sealed record Session(TimeSpan FirstSegment, Task<TimeSpan> Completed);

    /// <summary>Asks for a watermarked URL and times it like a player: the playlist polled every 20 ms, segment 0 fetched.</summary>
    private static async Task<Session> StartAsync(HttpClient http, string videoId, string viewer)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.PostAsJsonAsync($"/v1/videos/{videoId}/playback",
            new PlaybackRequest(null, viewer, new WatermarkRequest($"{viewer}@example.com", "moving", 0.6, 28)));
        response.EnsureSuccessStatusCode();
        var url = (await response.Content.ReadFromJsonAsync<WatermarkedPlaybackResponse>())!.Url;
        var playlist = url.Replace("/master.m3u8?", "/video.m3u8?", StringComparison.Ordinal);
        var segment = url.Replace("/master.m3u8?", "/video/0.ts?", StringComparison.Ordinal);
        while (true)
        {
            using var listed = await http.GetAsync(playlist);
            if (listed.IsSuccessStatusCode && (await listed.Content.ReadAsStringAsync()).Contains("video/0.ts", StringComparison.Ordinal))
            {
                using var first = await http.GetAsync(segment);
                if (first.IsSuccessStatusCode)
                {
                    break;
                }
            }
            await Task.Delay(20);
        }
        var firstSegment = clock.Elapsed;
        return new Session(firstSegment, WaitCompleteAsync(http, playlist, clock));
    }

    private static async Task<TimeSpan> WaitCompleteAsync(HttpClient http, string playlist, Stopwatch clock)
    {
        while (!(await http.GetStringAsync(playlist)).Contains("#EXT-X-ENDLIST", StringComparison.Ordinal))
        {
            await Task.Delay(100);
        }
        return clock.Elapsed;
    }

    private static async Task<string> UploadReadyAsync(HttpClient http, string clip)
    {
        using var form = new MultipartFormDataContent { { new StreamContent(File.OpenRead(clip)), "file", Path.GetFileName(clip) } };
        using var response = await http.PostAsync("/v1/videos", form);
        response.EnsureSuccessStatusCode();
        var id = (await response.Content.ReadFromJsonAsync<VideoResponse>())!.Id;
        while ((await http.GetFromJsonAsync<VideoResponse>($"/v1/videos/{id}"))!.Status is not ("ready" or "failed"))
        {
            await Task.Delay(200);
        }
        return id;
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
