using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Streamio.Host.Tests.Cluster;

/// <summary>
/// One FFmpeg process seen encoding a chunk: whose scratch folder it writes to (so which silo runs it), the video, the
/// work item and the attempt (a silo's chunk scratch folder is <c>{WorkPath}/{video}/chunk-{item}-{attempt}</c>), and
/// when it was first seen, measured from the start of the watch (for the figures a test prints, never asserts).
/// </summary>
public sealed record ChunkSighting(string WorkPath, string VideoId, int ItemId, int Attempt, int Pid, TimeSpan FirstSeen);

/// <summary>
/// Watches the process table for the FFmpeg runs of chunk encodes in the scratch folders of the silos it is told
/// about, and remembers every one it saw. That is how a test sees which silo encodes which chunk, and which attempt it
/// is, without reading the cluster's state behind its back: the process table and the scratch folders are the OS's.
/// </summary>
public sealed class ChunkWatch : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<(string WorkPath, Regex Pattern)> _silos = [];
    private readonly Dictionary<int, ChunkSighting> _byPid = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ChunkWatch() => _loop = Task.Run(LoopAsync);

    /// <summary>Time since the watch started (the clock <see cref="ChunkSighting.FirstSeen"/> uses).</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Starts watching a silo's scratch folder (before its process starts, so its first chunk is not missed).</summary>
    public void Add(string workPath)
    {
        var full = Path.GetFullPath(workPath).TrimEnd('/');
        lock (_gate)
        {
            _silos.Add((full, new Regex($@"{Regex.Escape(full)}/([^/\s]+)/chunk-(\d+)-(\d+)/", RegexOptions.CultureInvariant)));
        }
    }

    /// <summary>Every chunk encode seen so far, in the order they were first seen.</summary>
    public IReadOnlyList<ChunkSighting> Sightings
    {
        get
        {
            lock (_gate)
            {
                return [.. _byPid.Values.OrderBy(sighting => sighting.FirstSeen)];
            }
        }
    }

    /// <summary>The FFmpeg processes of chunk encodes running right now.</summary>
    public IReadOnlyList<ChunkSighting> Running() => Sightings.Where(sighting => ClusterRig.IsAlive(sighting.Pid)).ToList();

    /// <summary>Waits until a sighting matches; the bound only guards against a hang. <paramref name="diagnostics"/> explains a failure.</summary>
    public async Task<ChunkSighting> WaitForAsync(Func<ChunkSighting, bool> match, string what, Func<Task<string>>? diagnostics = null, int seconds = 300)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (Sightings.FirstOrDefault(match) is { } found)
            {
                return found;
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                Assert.Fail($"gave up waiting for {what}; chunk encodes seen: {Describe()}\n{(diagnostics is null ? "" : await diagnostics())}");
            }
            await Task.Delay(20);
        }
    }

    public string Describe() => string.Join("; ", Sightings.Select(sighting =>
        $"{sighting.VideoId} item {sighting.ItemId} attempt {sighting.Attempt} in {sighting.WorkPath} (pid {sighting.Pid}, {sighting.FirstSeen.TotalSeconds:0.00} s)"));

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Scan();
            try
            {
                await Task.Delay(25, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Scan()
    {
        List<(string WorkPath, Regex Pattern)> silos;
        lock (_gate)
        {
            silos = [.. _silos];
        }
        if (silos.Count == 0)
        {
            return;
        }
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }
            lock (_gate)
            {
                if (_byPid.ContainsKey(pid))
                {
                    continue;
                }
            }
            // The chunk's encode, not the short CMAF rewraps (-c copy) it runs on each closed segment in the same folder.
            if (ClusterRig.CommandLine(pid) is not { } command || !command.Contains("ffmpeg", StringComparison.Ordinal)
                || !command.Contains("-filter_complex", StringComparison.Ordinal))
            {
                continue;
            }
            foreach (var (workPath, pattern) in silos)
            {
                if (pattern.Match(command) is { Success: true } match)
                {
                    var sighting = new ChunkSighting(workPath, match.Groups[1].Value,
                        int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture),
                        int.Parse(match.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture), pid, _clock.Elapsed);
                    lock (_gate)
                    {
                        _byPid[pid] = sighting;
                    }
                    break;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
