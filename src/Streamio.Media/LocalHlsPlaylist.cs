using System.Globalization;

namespace Streamio.Media;

/// <summary>One segment as FFmpeg's HLS muxer listed it: listed means closed.</summary>
public sealed record LocalPlaylistEntry(int Index, double DurationSeconds);

/// <summary>Reads the playlists FFmpeg's HLS muxer writes next to its segments (named "&lt;index&gt;.ts").</summary>
public static class LocalHlsPlaylist
{
    /// <summary>
    /// Parses the entries of a playlist that may be caught mid-rewrite: only lines ending in a newline count, so a
    /// torn read yields fewer entries, never a wrong one.
    /// </summary>
    public static (IReadOnlyList<LocalPlaylistEntry> Entries, bool Ended) Parse(string text)
    {
        var complete = text.LastIndexOf('\n');
        var lines = complete < 0 ? [] : text[..complete].Split('\n');
        var entries = new List<LocalPlaylistEntry>();
        double? duration = null;
        var ended = false;
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("#EXTINF:", StringComparison.Ordinal))
            {
                var value = line["#EXTINF:".Length..].Split(',')[0];
                duration = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
            }
            else if (line == "#EXT-X-ENDLIST")
            {
                ended = true;
            }
            else if (duration is { } segmentDuration && TryParseIndex(line, out var index))
            {
                entries.Add(new LocalPlaylistEntry(index, segmentDuration));
                duration = null;
            }
        }

        return (entries, ended);
    }

    private static bool TryParseIndex(string uri, out int index)
    {
        index = -1;
        var name = Path.GetFileName(uri);
        return name.EndsWith(".ts", StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(0, name.Length - 3), NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }
}
