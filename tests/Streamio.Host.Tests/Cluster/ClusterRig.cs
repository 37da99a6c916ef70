using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Streamio.Backbone;
using Streamio.Backbone.Postgres;
using Streamio.Host.Api;
using Streamio.Grains.Work;
using Streamio.Testing;

namespace Streamio.Host.Tests.Cluster;

/// <summary>
/// A cluster for one test: a fresh database on the shared server, one storage folder every node uses, and host
/// processes started as <c>api</c> or <c>silo</c> nodes. The test reads the work queue through its own backbone client.
/// </summary>
public sealed partial class ClusterRig : IAsyncDisposable
{
    private readonly List<StreamioProcess> _processes = [];
    private readonly Dictionary<StreamioProcess, Dictionary<string, string?>> _settings = [];
    private readonly TempDirectory _root = new();
    private int _nodes;

    private ClusterRig(PostgresServer server, string connectionString)
    {
        Server = server;
        ConnectionString = connectionString;
        Backbone = new PostgresBackbone(connectionString, new BackboneSignals(), TimeProvider.System);
    }

    public PostgresServer Server { get; }

    public string ConnectionString { get; }

    /// <summary>The test's own view of the queue and membership (the same tables the nodes use).</summary>
    public PostgresBackbone Backbone { get; }

    public string StoragePath => Path.Combine(_root.Path, "objects");

    /// <summary>With the test settings (1 s segments, 2-segment chunks) 8 s at 640x360 are two rungs in five chunks.</summary>
    public static readonly ClipSpec Clip = new(DurationSeconds: 8, Width: 640, Height: 360, Gop: 30);

    /// <summary>
    /// Chunks that take a few seconds (4 segments each, x264 preset medium), so a test can act while one is running.
    /// </summary>
    public static void SlowChunks(Dictionary<string, string?> settings)
    {
        settings["Streamio:Encoding:SegmentsPerChunk"] = "4";
        settings["Streamio:Ffmpeg:Preset"] = "medium";
    }

    /// <summary>
    /// An API node and one silo with slow chunks (configured further by <paramref name="configureSilo"/>), the test
    /// clip uploaded, and a chunk of it being encoded on the silo.
    /// </summary>
    public async Task<EncodingCluster> StartEncodingAsync(Action<Dictionary<string, string?>>? configureSilo = null)
    {
        var api = await StartAsync("api");
        var silo = await StartAsync("silo", settings =>
        {
            SlowChunks(settings);
            configureSilo?.Invoke(settings);
        });
        var id = await UploadAsync(api, await ClipFactory.GetAsync(Clip));
        var (chunk, ffmpeg) = await WaitForChunkEncodingOnAsync(silo, id);
        return new EncodingCluster(api, silo, id, chunk, ffmpeg);
    }

    /// <summary>Waits until the silo runs FFmpeg on a chunk it holds the lease of; returns the item and FFmpeg's pids.</summary>
    public async Task<(WorkItemInfo Chunk, IReadOnlyList<int> Ffmpeg)> WaitForChunkEncodingOnAsync(StreamioProcess silo, string videoId)
    {
        var workPath = WorkPathOf(silo);
        var found = await WaitForAsync(async () =>
        {
            var chunk = (await Backbone.ListGroupAsync(videoId, CancellationToken.None)).FirstOrDefault(item =>
                item.Kind == WorkKinds.EncodeChunk && item.LeaseOwner is { } owner && owner.Contains(SiloIdPart(silo), StringComparison.Ordinal));
            return (Chunk: chunk, Ffmpeg: chunk is null ? [] : FfmpegProcessesUsing(workPath));
        }, state => state.Chunk is not null && state.Ffmpeg.Count > 0, $"a chunk of {videoId} being encoded on the silo", () => silo.RecentOutput);
        return (found.Chunk!, found.Ffmpeg);
    }

    public static async Task<ClusterRig> CreateAsync(ClusterFixture fixture) =>
        new(fixture.Postgres, await fixture.Postgres.CreateDatabaseAsync());

    /// <summary>
    /// Settings of one node: the test ladder and presets, PostgreSQL, the shared storage folder, its own data and
    /// scratch folders, short leases (a lost silo's work is claimable again within seconds).
    /// </summary>
    public Dictionary<string, string?> Settings(string roles, string? dataPath = null)
    {
        dataPath ??= Path.Combine(_root.Path, $"node-{Interlocked.Increment(ref _nodes)}");
        var settings = StreamioNode.DefaultSettings(dataPath);
        settings["Streamio:Roles"] = roles;
        settings["Streamio:Backbone:Kind"] = "Postgres";
        settings["Streamio:Backbone:ConnectionString"] = ConnectionString;
        settings["Streamio:Storage:LocalPath"] = StoragePath;
        settings["Streamio:Playback:TokenSecret"] = "cluster-test-secret-cluster-test-secret-0123456789";
        settings["Streamio:Silo:Workers"] = "1";
        settings["Streamio:Silo:LeaseSeconds"] = "3";
        settings["Streamio:Silo:HeartbeatSeconds"] = "0.5";
        settings["Streamio:Silo:DeadAfterSeconds"] = "3";
        settings["Streamio:Silo:PollSeconds"] = "0.5";
        return settings;
    }

    public async Task<StreamioProcess> StartAsync(string roles, Action<Dictionary<string, string?>>? configure = null, string? dataPath = null)
    {
        var settings = Settings(roles, dataPath);
        configure?.Invoke(settings);
        var process = await StreamioProcess.StartAsync(settings);
        _processes.Add(process);
        _settings[process] = settings;
        return process;
    }

    /// <summary>The settings a node was started with (to start it again on the same folders).</summary>
    public IReadOnlyDictionary<string, string?> SettingsOf(StreamioProcess process) => _settings[process];

    public string WorkPathOf(StreamioProcess silo) => _settings[silo]["Streamio:Encoding:WorkPath"]!;

    public static async Task<string> UploadAsync(StreamioProcess api, string clip)
    {
        using var form = new MultipartFormDataContent { { new StreamContent(File.OpenRead(clip)), "file", Path.GetFileName(clip) } };
        using var response = await api.Http.PostAsync("/v1/videos", form);
        Assert.True(response.IsSuccessStatusCode, $"upload answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<VideoResponse>())!.Id;
    }

    public static async Task<VideoResponse> GetVideoAsync(StreamioProcess api, string id) =>
        (await api.Http.GetFromJsonAsync<VideoResponse>($"/v1/videos/{id}"))!;

    /// <summary>Polls until <paramref name="done"/> holds; the bound only guards against a hang.</summary>
    public static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, Func<string>? diagnostics = null, int seconds = 300)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"gave up waiting for {what}; last: {System.Text.Json.JsonSerializer.Serialize(value)}\n{diagnostics?.Invoke()}");
            }
            await Task.Delay(50);
        }
    }

    public static Task<VideoResponse> WaitForFinishedAsync(StreamioProcess api, string id, Func<string>? diagnostics = null) =>
        WaitForAsync(() => GetVideoAsync(api, id), video => video.Status is "ready" or "failed", $"video {id} to finish", diagnostics);

    /// <summary>Waits for a chunk of the video to be leased (a silo is encoding it) and returns that work item.</summary>
    public async Task<WorkItemInfo> WaitForLeasedChunkAsync(string videoId, string? owner = null) =>
        (await WaitForAsync(
            async () => (await Backbone.ListGroupAsync(videoId, CancellationToken.None))
                .FirstOrDefault(item => item.Kind == WorkKinds.EncodeChunk && item.LeaseOwner is { } leaseOwner && (owner is null || leaseOwner.Contains(owner, StringComparison.Ordinal))),
            item => item is not null, $"a leased chunk of {videoId}"))!;

    /// <summary>FFmpeg processes whose command line mentions <paramref name="path"/> (a silo's scratch folder).</summary>
    public static IReadOnlyList<int> FfmpegProcessesUsing(string path) =>
        Directory.EnumerateDirectories("/proc")
            .Select(directory => int.TryParse(Path.GetFileName(directory), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && CommandLine(pid) is { } command && command.Contains("ffmpeg", StringComparison.Ordinal) && command.Contains(path, StringComparison.Ordinal))
            .ToList();

    public static bool IsAlive(int pid) => CommandLine(pid) is not null && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z", StringComparison.Ordinal);

    private static string? CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The silo id of a process: silos name themselves host-pid-random.</summary>
    public static string SiloIdPart(StreamioProcess silo) => $"-{silo.ProcessId}-";

    /// <summary>
    /// Checks that every rendition's playlist lists segments 0..n-1 exactly once (n from the duration), that the
    /// playlist is closed, and that each rendition decodes to every frame of the clip.
    /// </summary>
    public static async Task AssertWholeAsync(StreamioProcess api, string id, ClipSpec spec)
    {
        using var playback = await api.Http.PostAsJsonAsync($"/v1/videos/{id}/playback", new { });
        playback.EnsureSuccessStatusCode();
        var master = new Uri((await playback.Content.ReadFromJsonAsync<PlaybackResponse>())!.Url);
        var expectedSegments = (int)Math.Ceiling(spec.DurationSeconds - 1e-6);
        var masterText = await api.Http.GetStringAsync(master);
        var variants = Lines(masterText).Concat(UriAttributes(masterText)).Distinct().ToList();
        Assert.NotEmpty(variants);
        foreach (var variant in variants)
        {
            var playlist = await api.Http.GetStringAsync(new Uri(master, variant));
            Assert.Contains("#EXT-X-ENDLIST", playlist, StringComparison.Ordinal);
            var indexes = Lines(playlist).Select(line => int.Parse(SegmentIndex().Match(line).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(Enumerable.Range(0, expectedSegments), indexes);
        }
        var videoVariants = variants.Count(variant => !variant.Contains("audio", StringComparison.OrdinalIgnoreCase));
        for (var rendition = 0; rendition < videoVariants; rendition++)
        {
            Assert.InRange(await MediaInspector.CountFramesAsync(master.ToString(), $"v:{rendition}"), spec.FrameCount - 1, spec.FrameCount + 1);
        }
    }

    private static IEnumerable<string> Lines(string playlist) =>
        playlist.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(line => !line.StartsWith('#'));

    private static IEnumerable<string> UriAttributes(string master) =>
        MediaUri().Matches(master).Select(match => match.Groups[1].Value);

    [GeneratedRegex("""#EXT-X-MEDIA:[^\n]*URI="([^"]+)" """, RegexOptions.None)]
    private static partial Regex MediaUri();

    [GeneratedRegex(@"/(\d+)\.ts")]
    private static partial Regex SegmentIndex();

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }
        await Backbone.DisposeAsync();
        await Server.DropDatabaseAsync(ConnectionString);
        _root.Dispose();
    }
}

/// <summary>A cluster caught mid-chunk: <see cref="Chunk"/> is leased by <see cref="Silo"/>, whose FFmpeg runs as <see cref="Ffmpeg"/>.</summary>
public sealed record EncodingCluster(StreamioProcess Api, StreamioProcess Silo, string VideoId, WorkItemInfo Chunk, IReadOnlyList<int> Ffmpeg);
