using System.Globalization;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Streamio.Host.Api;
using Streamio.Testing;

namespace Streamio.Host.Tests.Cluster;

/// <summary>
/// A cluster for one test: a fresh database on the shared PostgreSQL server (grain state and reminders, and membership
/// with <see cref="Clustering.AdoNet"/>), or membership on the shared Azurite with <see cref="Clustering.AzureTable"/>;
/// its own cluster id; one storage folder every node uses; host processes started as <c>api</c>, <c>silo</c> or both.
/// The test sees the cluster only as a user or an operator would: <c>GET /v1/cluster</c>, the videos API, the played
/// stream, the storage and scratch folders, and the FFmpeg processes a silo runs (see <see cref="ChunkWatch"/>).
/// </summary>
public sealed partial class ClusterRig : IAsyncDisposable
{
    /// <summary>
    /// Membership settings of every node: a silo that stops answering is suspected after 2 missed probes 2 s apart,
    /// and one vote declares it dead, so a SIGKILLed silo is dead within seconds (Orleans' defaults take minutes).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Membership = new Dictionary<string, string>
    {
        ["Streamio:Cluster:ProbeTimeoutSeconds"] = "2",
        ["Streamio:Cluster:NumMissedProbesLimit"] = "2",
        ["Streamio:Cluster:NumVotesForDeathDeclaration"] = "1",
        ["Streamio:Cluster:IAmAliveTablePublishSeconds"] = "2",
        ["Streamio:Cluster:TableRefreshSeconds"] = "2",
    };

    /// <summary>With the test settings (1 s segments, 2-segment chunks) 8 s at 640x360 are two rungs in six chunks, and audio.</summary>
    public static readonly ClipSpec Clip = new(DurationSeconds: 8, Width: 640, Height: 360, Gop: 30);

    /// <summary>
    /// 16 s: with <see cref="SlowChunks"/> (4-segment chunks) the two fast-start chunks and four whole ones, so each of two
    /// silos surely gets some.
    /// </summary>
    public static readonly ClipSpec LongClip = new(DurationSeconds: 16, Width: 640, Height: 360, Gop: 30);

    private readonly List<StreamioProcess> _processes = [];
    private readonly TempDirectory _root = new("cluster");
    private readonly AzuriteServer? _azurite;
    private int _nodes;

    private ClusterRig(PostgresServer server, string connectionString, string clustering, AzuriteServer? azurite)
    {
        Server = server;
        ConnectionString = connectionString;
        Clustering = clustering;
        _azurite = azurite;
    }

    public PostgresServer Server { get; }

    public string ConnectionString { get; }

    /// <summary><see cref="Cluster.Clustering.AdoNet"/> or <see cref="Cluster.Clustering.AzureTable"/>.</summary>
    public string Clustering { get; }

    /// <summary>Unique per test, so tests sharing Azurite's membership table never see each other's silos.</summary>
    public string ClusterId { get; } = $"test-{Guid.NewGuid():N}";

    public string StoragePath => Path.Combine(_root.Path, "objects");

    /// <summary>The FFmpeg chunk encodes of every silo this rig started.</summary>
    public ChunkWatch Chunks { get; } = new();

    public static async Task<ClusterRig> CreateAsync(ClusterFixture fixture, string clustering = Cluster.Clustering.AdoNet)
    {
        var azurite = clustering == Cluster.Clustering.AzureTable ? await fixture.AzuriteAsync() : null;
        return new ClusterRig(fixture.Postgres, await fixture.Postgres.CreateDatabaseAsync(), clustering, azurite);
    }

    /// <summary>
    /// Chunks that take a few seconds (4 segments each, x264 preset medium), so a test can act while one is running.
    /// </summary>
    public static void SlowChunks(Dictionary<string, string?> settings)
    {
        settings["Streamio:Encoding:SegmentsPerChunk"] = "4";
        settings["Streamio:Encoding:MaxSegmentsPerChunk"] = "4";
        settings["Streamio:Ffmpeg:Preset"] = "medium";
    }

    /// <summary>
    /// Settings of one node: the test ladder and presets, PostgreSQL, the clustering under test, free loopback ports
    /// advertised as 127.0.0.1, the shared storage folder, its own data and scratch folders, one worker per silo, and
    /// videos that check on their work every 2 s (the backstop after a silo or the scheduler is lost), and the workers'
    /// debug log (each item's start and end).
    /// </summary>
    public Dictionary<string, string?> Settings(string roles, string? dataPath = null)
    {
        dataPath ??= Path.Combine(_root.Path, $"node-{Interlocked.Increment(ref _nodes)}");
        var settings = StreamioNode.DefaultSettings(dataPath);
        settings["Streamio:Roles"] = roles;
        settings["Streamio:Database:Kind"] = "Postgres";
        settings["Streamio:Database:ConnectionString"] = ConnectionString;
        settings["Streamio:Cluster:Clustering"] = Clustering;
        settings["Streamio:Cluster:ClusterId"] = ClusterId;
        settings["Streamio:Cluster:AdvertisedAddress"] = "127.0.0.1";
        if (_azurite is not null)
        {
            settings["Streamio:Cluster:AzureTableConnectionString"] = _azurite.ConnectionString;
        }
        foreach (var (key, value) in Membership)
        {
            settings[key] = value;
        }
        settings["Streamio:Cluster:MinimumReminderPeriodSeconds"] = "1";
        settings["Streamio:Storage:LocalPath"] = StoragePath;
        settings["Streamio:Playback:TokenSecret"] = "cluster-test-secret-cluster-test-secret-0123456789";
        settings["Streamio:Silo:Workers"] = "1";
        // Live ingest on any free port: several silos share the machine.
        settings["Streamio:Live:Rtmp:Port"] = "0";
        settings["Streamio:Live:Srt:Port"] = "0";
        settings["Streamio:Silo:CheckSeconds"] = "2";
        // Each work item's start and end on each silo, in the output a failure message quotes.
        settings["Logging:LogLevel:Streamio.Grains.Work.EncodeWorkerPool"] = "Debug";
        return settings;
    }

    /// <summary>Starts a node and waits until it is ready (an API-only node needs a silo to be up: it is a client of the silos).</summary>
    public async Task<StreamioProcess> StartAsync(string roles, Action<Dictionary<string, string?>>? configure = null, string? dataPath = null)
    {
        var settings = Settings(roles, dataPath);
        configure?.Invoke(settings);
        if (roles.Contains("silo", StringComparison.OrdinalIgnoreCase))
        {
            Chunks.Add(settings["Streamio:Encoding:WorkPath"]!);
        }
        var process = await StreamioProcess.StartAsync(settings);
        _processes.Add(process);
        return process;
    }

    /// <summary>Starts a node again on the folders and ports of one that is gone (killed or stopped).</summary>
    public async Task<StreamioProcess> RestartAsync(StreamioProcess gone)
    {
        var process = await StreamioProcess.StartAsync(gone.Settings);
        _processes.Add(process);
        return process;
    }

    /// <summary>
    /// A silo that will survive what the test does to another, then the silo under test (configured further by
    /// <paramref name="configureSilo"/>), then an API node, all with <see cref="SlowChunks"/>; <see cref="LongClip"/>
    /// uploaded, and a chunk of it being encoded on the silo under test. The survivor starts first, so the work scheduler (activated by the first silo's workers)
    /// lives on it.
    /// </summary>
    public async Task<EncodingCluster> StartEncodingAsync(Action<Dictionary<string, string?>>? configureSilo = null, Action<Dictionary<string, string?>>? configureSurvivor = null)
    {
        var survivor = await StartAsync("silo", settings =>
        {
            SlowChunks(settings);
            configureSurvivor?.Invoke(settings);
        });
        var silo = await StartAsync("silo", settings =>
        {
            SlowChunks(settings);
            configureSilo?.Invoke(settings);
        });
        var api = await StartAsync("api", SlowChunks);
        // Both silos ask for work before the upload: otherwise the first one's loops may take every item first.
        await WaitForAsync(() => TryGetClusterAsync(api), view => view is not null && new[] { survivor, silo }.All(node => SiloOf(view, node)?.Workers > 0),
            "both silos asking the scheduler for work");
        var id = await UploadAsync(api, await ClipFactory.GetAsync(LongClip));
        var chunk = await WaitForChunkRunningOnAsync(silo, id);
        return new EncodingCluster(api, silo, survivor, id, chunk, LongClip);
    }

    /// <summary>Waits until the silo runs FFmpeg on a chunk of the video, and returns that encode.</summary>
    public Task<ChunkSighting> WaitForChunkRunningOnAsync(StreamioProcess silo, string videoId) =>
        Chunks.WaitForAsync(sighting => sighting.WorkPath == WorkPathOf(silo) && sighting.VideoId == videoId && IsAlive(sighting.Pid),
            $"a chunk of {videoId} being encoded on silo {SiloPortOf(silo)}", () => Task.FromResult(silo.RecentOutput));

    /// <summary>The chunk encodes of a video that ran on a silo.</summary>
    public IReadOnlyList<ChunkSighting> ChunksOn(StreamioProcess silo, string videoId) =>
        Chunks.Sightings.Where(sighting => sighting.WorkPath == WorkPathOf(silo) && sighting.VideoId == videoId).ToList();

    public static string WorkPathOf(StreamioProcess silo) => Path.GetFullPath(silo.Settings["Streamio:Encoding:WorkPath"]!).TrimEnd('/');

    public static int SiloPortOf(StreamioProcess node) => int.Parse(node.Settings["Streamio:Cluster:SiloPort"]!, CultureInfo.InvariantCulture);

    public static int GatewayPortOf(StreamioProcess node) => int.Parse(node.Settings["Streamio:Cluster:GatewayPort"]!, CultureInfo.InvariantCulture);

    /// <summary>
    /// The silo a process runs, as <c>GET /v1/cluster</c> lists it: Orleans names a silo by its advertised endpoint and
    /// generation (<c>127.0.0.1:port@generation</c>), and each test node has its own silo port.
    /// </summary>
    public static SiloResponse? SiloOf(ClusterResponse view, StreamioProcess silo) =>
        view.Silos.SingleOrDefault(listed => listed.Address.StartsWith($"127.0.0.1:{SiloPortOf(silo)}@", StringComparison.Ordinal));

    public static async Task<ClusterResponse> GetClusterAsync(StreamioProcess api)
    {
        using var response = await api.Admin.GetAsync("/v1/cluster");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /v1/cluster answered {(int)response.StatusCode}: {body}");
        return System.Text.Json.JsonSerializer.Deserialize<ClusterResponse>(body, Json)!;
    }

    /// <summary>The cluster view, or null while the cluster cannot answer (a silo just died, the database restarts).</summary>
    public static async Task<ClusterResponse?> TryGetClusterAsync(StreamioProcess api)
    {
        try
        {
            using var response = await api.Admin.GetAsync("/v1/cluster");
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<ClusterResponse>() : null;
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>True when something accepts TCP connections on the loopback port.</summary>
    public static bool Listens(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static async Task<string> UploadAsync(StreamioProcess api, string clip, HttpClient? client = null)
    {
        using var form = new MultipartFormDataContent { { new StreamContent(File.OpenRead(clip)), "file", Path.GetFileName(clip) } };
        using var response = await (client ?? api.Http).PostAsync("/v1/videos", form);
        Assert.True(response.IsSuccessStatusCode, $"upload answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<VideoResponse>())!.Id;
    }

    public static async Task<VideoResponse> GetVideoAsync(StreamioProcess api, string id) =>
        (await api.Http.GetFromJsonAsync<VideoResponse>($"/v1/videos/{id}"))!;

    /// <summary>The video, or null while the cluster cannot answer.</summary>
    public static async Task<VideoResponse?> TryGetVideoAsync(StreamioProcess api, string id)
    {
        try
        {
            using var response = await api.Http.GetAsync($"/v1/videos/{id}");
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<VideoResponse>() : null;
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>Polls until <paramref name="done"/> holds; the bound only guards against a hang.</summary>
    public static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, Func<string>? diagnostics = null, int seconds = 300)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                Assert.Fail($"gave up waiting for {what}; last: {System.Text.Json.JsonSerializer.Serialize(value)}\n{diagnostics?.Invoke()}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Waits until the video is ready or failed, riding out moments when the cluster cannot answer.</summary>
    public static async Task<VideoResponse> WaitForFinishedAsync(StreamioProcess api, string id, Func<string>? diagnostics = null) =>
        (await WaitForAsync(() => TryGetVideoAsync(api, id), video => video?.Status is "ready" or "failed", $"video {id} to finish", diagnostics))!;

    /// <summary>
    /// What the API says of the cluster (its silos, the scheduler's queue) and of the video, for a failure message; and
    /// the recent output of each node named.
    /// </summary>
    public static async Task<string> DescribeAsync(StreamioProcess api, string videoId, params (string Name, StreamioProcess Node)[] nodes)
    {
        var text = new System.Text.StringBuilder();
        foreach (var (label, client, path) in new[] { ("cluster", api.Admin, "/v1/cluster"), ("video", api.Http, $"/v1/videos/{videoId}") })
        {
            try
            {
                using var response = await client.GetAsync(path);
                text.AppendLine(CultureInfo.InvariantCulture, $"{label}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"{label}: {error.Message}");
            }
        }
        foreach (var (name, node) in nodes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{name}:\n{node.RecentOutput}");
        }
        return text.ToString();
    }

    /// <summary>Waits until the cluster has no work waiting or running (the scheduler forgets what is done, failed or deleted).</summary>
    public static async Task<ClusterResponse> WaitForIdleAsync(StreamioProcess api, Func<string>? diagnostics = null) =>
        (await WaitForAsync(() => TryGetClusterAsync(api), view => view?.Work is { Waiting: 0, Running: 0, Videos: 0 }, "the cluster to have no work", diagnostics, seconds: 120))!;

    public static bool IsAlive(int pid)
    {
        try
        {
            return CommandLine(pid) is not null && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z", StringComparison.Ordinal);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static string? CommandLine(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/cmdline");
            return text.Length == 0 ? null : text.Replace('\0', ' ');
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Checks the video as a player gets it through the tokenized master URL: every video rendition's playlist is closed
    /// and lists segments 0..n-1 exactly once (n from the duration), the audio playlist is closed and gapless, and
    /// FFmpeg's HLS demuxer (decrypting with the served keys) decodes every frame of the clip in each video rendition.
    /// </summary>
    public static async Task AssertWholeAsync(StreamioProcess api, string id, ClipSpec spec)
    {
        using var playback = await api.Http.PostAsJsonAsync($"/v1/videos/{id}/playback", new { });
        playback.EnsureSuccessStatusCode();
        var master = new Uri((await playback.Content.ReadFromJsonAsync<PlaybackResponse>())!.Url);
        var expectedSegments = (int)Math.Ceiling(spec.DurationSeconds - 1e-6);
        var masterText = await api.Http.GetStringAsync(master);
        var videoVariants = Lines(masterText).Distinct().ToList();
        var audioVariants = MediaUri().Matches(masterText).Select(match => match.Groups[1].Value).Distinct().ToList();
        Assert.NotEmpty(videoVariants);
        Assert.Equal(spec.WithAudio ? 1 : 0, audioVariants.Count);
        foreach (var variant in videoVariants.Concat(audioVariants))
        {
            var playlist = await api.Http.GetStringAsync(new Uri(master, variant));
            Assert.Contains("#EXT-X-ENDLIST", playlist, StringComparison.Ordinal);
            var indexes = Lines(playlist).Select(line => int.Parse(SegmentIndex().Match(line).Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
            if (audioVariants.Contains(variant))
            {
                Assert.Equal(Enumerable.Range(0, indexes.Count), indexes);
            }
            else
            {
                Assert.Equal(Enumerable.Range(0, expectedSegments), indexes);
            }
        }
        for (var rendition = 0; rendition < videoVariants.Count; rendition++)
        {
            Assert.InRange(await MediaInspector.CountFramesAsync(master.ToString(), $"v:{rendition}"), spec.FrameCount - 1, spec.FrameCount + 1);
        }
    }

    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    private static IEnumerable<string> Lines(string playlist) =>
        playlist.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(line => !line.StartsWith('#'));

    [GeneratedRegex("#EXT-X-MEDIA:[^\\n]*URI=\"([^\"]+)\"")]
    private static partial Regex MediaUri();

    [GeneratedRegex(@"/(\d+)\.ts")]
    private static partial Regex SegmentIndex();

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Every node goes, even if one of them fails to.
            var errors = new List<Exception>();
            foreach (var process in _processes)
            {
                try
                {
                    await process.DisposeAsync();
                }
                catch (Exception error)
                {
                    errors.Add(error);
                }
            }
            await Chunks.DisposeAsync();
            await Server.DropDatabaseAsync(ConnectionString);
            if (errors.Count > 0)
            {
                throw new AggregateException("stopping the cluster's nodes failed", errors);
            }
        }
        finally
        {
            _root.Dispose();
        }
    }
}

/// <summary>
/// A cluster caught mid-chunk: <see cref="Chunk"/> is an FFmpeg run of the video on <see cref="Silo"/>;
/// <see cref="Survivor"/> is another silo (started first: the scheduler lives there) and <see cref="Api"/> an API node.
/// </summary>
public sealed record EncodingCluster(StreamioProcess Api, StreamioProcess Silo, StreamioProcess Survivor, string VideoId, ChunkSighting Chunk, ClipSpec Clip);
