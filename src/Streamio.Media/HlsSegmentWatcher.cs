namespace Streamio.Media;

/// <summary>
/// Follows one rendition's FFmpeg playlist while FFmpeg runs and reports each closed segment exactly once, in
/// order, starting at the first expected index.
/// </summary>
public sealed class HlsSegmentWatcher(string rendition, string playlistPath, string segmentDirectory, int firstIndex, Func<ClosedSegment, Task> onSegment)
{
    private readonly int _first = firstIndex;
    private int _next = firstIndex;
    private bool _ended;
    private (long Length, DateTime Written)? _handled;

    public string Rendition => rendition;

    /// <summary>How many segments were reported so far.</summary>
    public int Reported => _next - _first;

    /// <summary>Whether FFmpeg finished the playlist (ENDLIST written).</summary>
    public bool Ended => _ended;

    /// <summary>Reports every newly closed segment; call periodically, and once more after FFmpeg exits.</summary>
    public async Task PollAsync(CancellationToken cancellationToken = default)
    {
        // Polled every 50 ms per rendition: a playlist whose every entry was handled is not read again until FFmpeg
        // rewrites it (reading and parsing it each time was ~0.5 s of CPU over a 60 s ladder).
        var stamp = Stamp(playlistPath);
        if (stamp is null || stamp == _handled)
        {
            return;
        }

        var text = TryRead(playlistPath);
        if (text is null)
        {
            return;
        }

        var (entries, ended) = LocalHlsPlaylist.Parse(text);
        foreach (var entry in entries)
        {
            // Once the caller gave up, nothing more is announced.
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (entry.Index < _next)
            {
                continue;
            }

            var path = Path.Combine(segmentDirectory, $"{entry.Index}.ts");
            // A listed segment is closed; the file check covers the rename of its .tmp racing our read.
            if (entry.Index != _next || !File.Exists(path))
            {
                return;
            }

            await onSegment(new ClosedSegment(rendition, entry.Index, entry.DurationSeconds, path)).ConfigureAwait(false);
            _next++;
        }

        _ended = ended;
        _handled = stamp;
    }

    /// <summary>The playlist's length and last write, or null while it does not exist.</summary>
    private static (long Length, DateTime Written)? Stamp(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? (file.Length, file.LastWriteTimeUtc) : null;
    }

    /// <summary>The duration of every segment the playlist lists now, reported or not (0 before it exists).</summary>
    public double ListedSeconds() =>
        TryRead(playlistPath) is { } text ? LocalHlsPlaylist.Parse(text).Entries.Sum(entry => entry.DurationSeconds) : 0;

    private static string? TryRead(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return null;
        }
    }
}
