using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Streamio.Abstractions.Wire;
using Streamio.Telemetry;

namespace Streamio.Bench;

/// <summary>
/// Where the time to the first frame goes: uploads the clip a few times to one embedded node and prints, per run, the
/// spans (Streamio's own ActivitySource, listened to in-process) that start before the video is playable, as offsets
/// from the end of the upload.
/// </summary>
internal static class FirstFrame
{
    public static async Task RunAsync(Dictionary<string, string> settings, string output)
    {
        var seconds = int.Parse(settings.GetValueOrDefault("seconds", "60"), CultureInfo.InvariantCulture);
        var rounds = int.Parse(settings.GetValueOrDefault("rounds", "3"), CultureInfo.InvariantCulture);
        var clip = await Ffmpeg.ClipAsync(output, seconds);
        var spans = new ConcurrentQueue<(string Name, DateTime Start, TimeSpan Duration)>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == StreamioTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => spans.Enqueue((Describe(activity), activity.StartTimeUtc, activity.Duration)),
        };
        ActivitySource.AddActivityListener(listener);

        var (app, http) = await EmbeddedData.StartNodeAsync(Path.Combine(output, "first-frame-data"));
        using var _ = http;
        var playables = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            using var form = new MultipartFormDataContent { { new StreamContent(File.OpenRead(clip)), "file", Path.GetFileName(clip) } };
            using var response = await http.PostAsync("/v1/videos", form);
            response.EnsureSuccessStatusCode();
            var uploaded = DateTime.UtcNow;
            var clock = Stopwatch.StartNew();
            var id = (await response.Content.ReadFromJsonAsync<VideoResponse>())!.Id;
            while (!(await http.GetFromJsonAsync<VideoResponse>($"/v1/videos/{id}"))!.Playable)
            {
                await Task.Delay(10);
            }
            var playable = clock.Elapsed.TotalSeconds;
            playables.Add(playable);
            Console.WriteLine($"\nround {round}: upload complete → playable {playable:0.000} s; spans started by then (offset from upload end, duration):");
            foreach (var span in spans.OrderBy(span => span.Start).Where(span => (span.Start - uploaded).TotalSeconds < playable + 0.05))
            {
                Console.WriteLine($"  {(span.Start - uploaded).TotalSeconds,7:+0.000;-0.000} s  {span.Duration.TotalSeconds,7:0.000} s  {span.Name}");
            }
            // The rest of the ladder would compete with the next round: the video goes, and the next round waits until its
            // last FFmpeg has ended (a running chunk finishes its current segment first).
            (await http.DeleteAsync($"/v1/videos/{id}")).EnsureSuccessStatusCode();
            var settled = await ChildCpu.WaitForNoChildrenAsync(TimeSpan.FromMinutes(1));
            Console.WriteLine($"  (the deleted video's last FFmpeg ended {settled.TotalSeconds:0.0} s after its delete)");
            await Task.Delay(500);
            spans.Clear();
        }
        playables.Sort();
        Console.WriteLine($"\nupload complete → playable over {rounds} rounds: median {playables[playables.Count / 2]:0.000} s, min {playables[0]:0.000} s, max {playables[^1]:0.000} s");
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private static string Describe(Activity activity)
    {
        var tags = string.Join(' ', activity.TagObjects.Where(tag => tag.Key is "streamio.segment.index" or "streamio.rendition" or "streamio.chunk.rungs" or "streamio.chunk.first_segment")
            .Select(tag => $"{tag.Key.Split('.')[^1]}={tag.Value}"));
        return $"{activity.DisplayName} {tags}".TrimEnd();
    }
}
