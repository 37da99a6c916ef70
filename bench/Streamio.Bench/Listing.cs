using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Streamio.Abstractions.Videos;
using Streamio.Host;

namespace Streamio.Bench;

/// <summary>
/// <c>--listing</c>: what one page of <c>GET /v1/videos</c> costs in the listing index, for a project of 10 videos and one
/// of 100,000 (embedded node, SQLite). A page is one index read (one or two buckets) plus one grain call per video on
/// it; only the index part could grow with the project, so that is what is compared, at the first, a middle and the
/// last page, with the grains cold (fresh node) and warm.
/// </summary>
internal static class Listing
{
    private static readonly DateTimeOffset Start0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task RunAsync(Dictionary<string, string> settings, string output)
    {
        var large = int.Parse(settings.GetValueOrDefault("videos", "100000"), CultureInfo.InvariantCulture);
        var data = Path.Combine(output, "listing-data");
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }
        var configuration = EmbeddedData.Settings(data);
        var seeded = await SeedAsync(configuration, large);
        Console.WriteLine($"seeded 10 + {large} listing entries in {seeded.TotalSeconds:0.0} s ({(large + 10) / seeded.TotalSeconds:0} adds/s)");

        // A fresh node: grains are read from SQLite on first use.
        var app = Start(configuration);
        await app.StartAsync();
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        Console.WriteLine("project    videos   page      cold ms   warm ms (mean of 200)");
        foreach (var (project, count) in new[] { ("small", 10), ("large", large) })
        {
            foreach (var (name, depth) in new[] { ("first", 0), ("middle", count / 2), ("last", Math.Max(0, count - 20)) })
            {
                var cursor = CursorAt(project, count, depth);
                var listing = grains.GetGrain<IProjectVideosGrain>(project);
                var clock = Stopwatch.StartNew();
                var page = await listing.PageAsync(cursor, 20);
                var cold = clock.Elapsed;
                clock.Restart();
                for (var i = 0; i < 200; i++)
                {
                    await listing.PageAsync(cursor, 20);
                }
                var warm = clock.Elapsed / 200;
                Console.WriteLine($"{project,-8} {count,8}   {name,-7} {cold.TotalMilliseconds,9:0.00} {warm.TotalMilliseconds,9:0.000}   ({page.VideoIds.Count} ids)");
            }
        }
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private static async Task<TimeSpan> SeedAsync(Dictionary<string, string?> configuration, int large)
    {
        var app = Start(configuration);
        await app.StartAsync();
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        var clock = Stopwatch.StartNew();
        var start = Start0;
        for (var i = 0; i < 10; i++)
        {
            await grains.GetGrain<IProjectVideosGrain>("small").AddAsync($"v_small_{i:D6}", start.AddMilliseconds(i));
        }
        var listing = grains.GetGrain<IProjectVideosGrain>("large");
        for (var i = 0; i < large; i++)
        {
            await listing.AddAsync($"v_large_{i:D6}", start.AddMilliseconds(i));
        }
        var elapsed = clock.Elapsed;
        await app.StopAsync();
        await app.DisposeAsync();
        return elapsed;
    }

    /// <summary>
    /// The cursor a client holds after the first <paramref name="depth"/> entries, worked out from how the project was
    /// seeded (entry i at Start0 + i ms, buckets filled in order) so that no grain is touched before the timed read.
    /// </summary>
    private static VideoIndexCursor? CursorAt(string project, int count, int depth)
    {
        if (depth == 0)
        {
            return null;
        }
        var index = count - depth;
        return new VideoIndexCursor(index / Grains.Videos.ProjectVideosGrain.BucketCapacity, Start0.AddMilliseconds(index).ToUnixTimeMilliseconds(), $"v_{project}_{index:D6}");
    }

    private static Microsoft.AspNetCore.Builder.WebApplication Start(Dictionary<string, string?> configuration) =>
        StreamioApp.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(configuration);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
}
