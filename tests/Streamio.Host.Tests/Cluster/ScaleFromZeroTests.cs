using System.Diagnostics;
using Streamio.Host.Api;
using Streamio.Testing;
using Xunit.Abstractions;

namespace Streamio.Host.Tests.Cluster;

/// <summary>
/// Worker silos scaled to zero, as the chart's KEDA ScaledObject does when nothing waits: a control silo
/// (<c>Streamio:Silo:Workers=0</c>) keeps every grain a home and takes uploads, the work waits for a worker, and a
/// worker silo started later (what KEDA does when work waits) takes it. The test prints how long the cold worker took
/// to join and to start working; it asserts none of those times.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ScaleFromZeroTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private static void ControlSilo(Dictionary<string, string?> settings) => settings["Streamio:Silo:Workers"] = "0";

    /// <summary>
    /// <paramref name="apiApart"/>: the chart's layout, API nodes as Orleans clients of a control silo; otherwise one
    /// node is both (<c>api,silo</c> with no workers).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_upload_to_a_cluster_without_workers_waits_and_a_worker_silo_started_later_makes_it_ready(bool apiApart)
    {
        await using var rig = await ClusterRig.CreateAsync(fixture);
        var control = await rig.StartAsync(apiApart ? "silo" : "api,silo", ControlSilo);
        var api = apiApart ? await rig.StartAsync("api") : control;
        var id = await ClusterRig.UploadAsync(api, await ClipFactory.GetAsync(ClusterRig.Clip));

        // The probe is queued and nobody takes it: the control silo has no workers.
        var queued = await ClusterRig.WaitForAsync(() => ClusterRig.TryGetClusterAsync(api), view => view?.Work is { Waiting: > 0, Videos: 1 },
            "the upload's work to wait in the scheduler", () => control.RecentOutput);
        var controlAddress = Assert.Single(queued!.Silos).Address;
        // Several worker polls (2 s) and video checks (2 s) later it still waits, and the video is neither started nor failed.
        var watched = Stopwatch.StartNew();
        while (watched.Elapsed < TimeSpan.FromSeconds(10))
        {
            var view = await ClusterRig.GetClusterAsync(api);
            Assert.Equal(0, view.Work.Running);
            Assert.True(view.Work.Waiting > 0, "the waiting work vanished without a worker");
            Assert.Equal("uploaded", (await ClusterRig.GetVideoAsync(api, id)).Status);
            await Task.Delay(250);
        }
        Assert.False(Directory.Exists(control.Settings["Streamio:Encoding:WorkPath"]), "the control silo made a scratch folder: it ran work");

        // A worker silo starts, as KEDA would start one. Watch, through the API, when Orleans lists it active and
        // when the video's first work item starts (the probe: the video leaves "uploaded").
        var clock = Stopwatch.StartNew();
        using var stopWatching = new CancellationTokenSource();
        var watching = Task.Run(() => WatchColdStartAsync(api, id, controlAddress, clock, stopWatching.Token));
        var worker = await rig.StartAsync("silo");
        var workerReady = clock.Elapsed;
        var firstChunk = await rig.WaitForChunkRunningOnAsync(worker, id);
        var firstChunkAt = clock.Elapsed;
        var video = await ClusterRig.WaitForFinishedAsync(api, id, () => worker.RecentOutput);
        var readyAt = clock.Elapsed;
        await stopWatching.CancelAsync();
        var (activeAt, firstWorkAt) = await watching;

        Assert.True(video.Status == "ready", $"status {video.Status}, error {video.Error}\n{worker.RecentOutput}");
        Assert.NotNull(activeAt);
        Assert.NotNull(firstWorkAt);
        Assert.Equal(rig.Chunks.Sightings.Where(sighting => sighting.VideoId == id), rig.ChunksOn(worker, id));
        Assert.False(Directory.Exists(control.Settings["Streamio:Encoding:WorkPath"]), "the control silo ran work once a worker was there");
        await ClusterRig.AssertWholeAsync(api, id, ClusterRig.Clip);

        // Scaled back to zero: the worker leaves (SIGTERM, as a scale-in sends), and the control silo alone still serves
        // the video, whatever grains had been placed on the worker.
        await ClusterRig.WaitForIdleAsync(api);
        await worker.TerminateAsync(TimeSpan.FromMinutes(2));
        await ClusterRig.WaitForAsync(() => ClusterRig.TryGetClusterAsync(api), view => view?.Silos.Count == 1,
            "the worker to leave the cluster", () => control.RecentOutput);
        Assert.Equal("ready", (await ClusterRig.GetVideoAsync(api, id)).Status);
        await ClusterRig.AssertWholeAsync(api, id, ClusterRig.Clip);

        output.WriteLine($"{(apiApart ? "api node + control silo" : "api,silo control node")}: cold worker silo: process start -> active in membership {Seconds(activeAt)}, -> ready (/readyz) {Seconds(workerReady)}, " +
            $"-> first work item running (probe) {Seconds(firstWorkAt)}, -> first chunk encoding {Seconds(firstChunkAt)} (item {firstChunk.ItemId}), " +
            $"-> video ready {Seconds(readyAt)}; {rig.ChunksOn(worker, id).Count} chunk encodes on the worker");
    }

    /// <summary>
    /// Polls the cluster view and the video through the API node until cancelled: when a silo other than the control one
    /// is first listed active, and when the first work item first runs (the video leaves "uploaded", or work runs).
    /// </summary>
    private static async Task<(TimeSpan? ActiveAt, TimeSpan? FirstWorkAt)> WatchColdStartAsync(
        StreamioProcess api, string id, string controlAddress, Stopwatch clock, CancellationToken stop)
    {
        TimeSpan? activeAt = null;
        TimeSpan? firstWorkAt = null;
        while (!stop.IsCancellationRequested && (activeAt is null || firstWorkAt is null))
        {
            var view = await ClusterRig.TryGetClusterAsync(api);
            var video = await ClusterRig.TryGetVideoAsync(api, id);
            var at = clock.Elapsed;
            if (activeAt is null && view?.Silos.Any(silo => silo.Address != controlAddress && silo.Status == "active") == true)
            {
                activeAt = at;
            }
            if (firstWorkAt is null && (view?.Work.Running > 0 || video?.Status is { } status && status != "uploaded"))
            {
                firstWorkAt = at;
            }
            await Task.Delay(50, CancellationToken.None);
        }
        return (activeAt, firstWorkAt);
    }

    private static string Seconds(TimeSpan? elapsed) => elapsed is { } value ? $"{value.TotalSeconds:0.00} s" : "never seen";
}
