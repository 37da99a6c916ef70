using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Streamio.Abstractions.Wire;

namespace Streamio.Bench;

/// <summary>
/// Encoding while uploading (issue 14): the bench clip (fast-start MP4, so it reads from the front) is uploaded to one
/// embedded node (or, with <c>--silos N</c>, to an API node before N silo processes) through a line throttled to <c>--mbps</c>, and the video is watched from the listing while the bytes
/// go. Prints, per round, upload start → playable, upload end → playable (negative: playable before the last byte) and
/// upload end → ready.
/// </summary>
internal static class ThrottledUpload
{
    public static async Task RunAsync(Dictionary<string, string> settings, string output)
    {
        var seconds = int.Parse(settings.GetValueOrDefault("seconds", "60"), CultureInfo.InvariantCulture);
        var rounds = int.Parse(settings.GetValueOrDefault("rounds", "3"), CultureInfo.InvariantCulture);
        var mbps = double.Parse(settings.GetValueOrDefault("mbps", "40"), CultureInfo.InvariantCulture);
        var clip = await Ffmpeg.ClipAsync(output, seconds);
        var bytes = await File.ReadAllBytesAsync(clip);
        Console.WriteLine($"clip: {clip} ({bytes.Length / 1e6:0.0} MB, {seconds} s); line: {mbps} Mbit/s (about {bytes.Length * 8 / (mbps * 1e6):0.0} s of upload); {Environment.ProcessorCount} cores");

        var silos = int.Parse(settings.GetValueOrDefault("silos", "0"), CultureInfo.InvariantCulture);
        if (silos == 0)
        {
            var (app, http) = await EmbeddedData.StartNodeAsync(Path.Combine(output, "throttled-upload-data"));
            using (http)
            {
                await RoundsAsync(http, clip, bytes, rounds, mbps);
            }
            await app.StopAsync();
            await app.DisposeAsync();
            return;
        }
        // The API node receives the upload; the silos (one core each) read its growing copy over loopback HTTP.
        Console.WriteLine($"{silos} silo process(es), one core and one worker each, and an API node; PostgreSQL");
        var postgres = await Streamio.Testing.PostgresServer.StartPrivateAsync();
        try
        {
            await using var cluster = await BenchCluster.StartAsync(postgres, silos, Path.Combine(output, $"throttled-upload-{silos}-silos"),
                new Dictionary<string, string> { ["Streamio:Ffmpeg:Preset"] = settings.GetValueOrDefault("preset", "veryfast") });
            await RoundsAsync(cluster.Api.Http, clip, bytes, rounds, mbps);
        }
        finally
        {
            await postgres.DisposeAsync();
        }
    }

    private static async Task RoundsAsync(HttpClient http, string clip, byte[] bytes, int rounds, double mbps)
    {
        for (var round = 1; round <= rounds; round++)
        {
            var title = $"throttled {round} {Guid.NewGuid():N}";
            var clock = Stopwatch.StartNew();
            var body = new PacedStream(bytes, mbps * 1e6 / 8);
            using var form = new MultipartFormDataContent { { new StringContent(title), "title" }, { new StreamContent(body), "file", Path.GetFileName(clip) } };
            var upload = http.PostAsync("/v1/videos", form);
            string? id = null;
            double? playable = null;
            while (playable is null)
            {
                id ??= (await http.GetFromJsonAsync<VideoPage>("/v1/videos?limit=5"))!.Items.FirstOrDefault(video => video.Title == title)?.Id;
                if (id is not null && (await http.GetFromJsonAsync<VideoResponse>($"/v1/videos/{id}"))!.Playable)
                {
                    playable = clock.Elapsed.TotalSeconds;
                }
                await Task.Delay(20);
            }
            var sentWhenPlayable = body.Sent;
            using (var response = await upload)
            {
                response.EnsureSuccessStatusCode();
            }
            var uploadEnd = clock.Elapsed.TotalSeconds;
            VideoResponse video;
            while ((video = (await http.GetFromJsonAsync<VideoResponse>($"/v1/videos/{id}"))!).Status is not ("ready" or "failed"))
            {
                await Task.Delay(100);
            }
            var ready = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"round {round}: upload start → playable {playable:0.00} s ({sentWhenPlayable * 100.0 / bytes.Length:0}% sent); " +
                $"upload end ({uploadEnd:0.00} s) → playable {playable - uploadEnd:+0.00;-0.00} s; upload end → {video.Status} {ready - uploadEnd:0.00} s; progressive: {video.Progressive?.Used}");
            (await http.DeleteAsync($"/v1/videos/{id}")).EnsureSuccessStatusCode();
        }
    }

    /// <summary>The clip's bytes at a steady rate, in 64 KiB pieces.</summary>
    private sealed class PacedStream(byte[] bytes, double bytesPerSecond) : Streamio.Host.Uploads.ForwardReadStream
    {
        private readonly Stopwatch _clock = new();
        private long _sent;

        public long Sent => Interlocked.Read(ref _sent);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _clock.Start();
            var count = (int)Math.Min(Math.Min(buffer.Length, 64 * 1024), bytes.Length - _sent);
            if (count <= 0)
            {
                return 0;
            }
            var due = TimeSpan.FromSeconds((_sent + count) / bytesPerSecond) - _clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, cancellationToken);
            }
            bytes.AsMemory((int)_sent, count).CopyTo(buffer);
            Interlocked.Add(ref _sent, count);
            return count;
        }
    }
}
