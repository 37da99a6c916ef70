using System.Globalization;
using System.Text.RegularExpressions;

namespace Streamio.Bench;

/// <summary>
/// Where Streamio's FFmpeg CPU goes, by task: the node is pointed at a wrapper script (<c>Streamio:Ffmpeg:FfmpegPath</c>)
/// that runs FFmpeg and then writes the CPU time it used (bash's <c>times</c>: user and system of its waited-for
/// children) with its arguments, one file per run. Each run is then named from its arguments: the fast start, the other
/// rungs' first segment, whole chunks, the audio pass, CMAF rewraps, images.
/// </summary>
internal sealed partial class FfmpegCpuLog
{
    private FfmpegCpuLog(string wrapper, string folder)
    {
        Wrapper = wrapper;
        Folder = folder;
    }

    /// <summary>The script to configure as the FFmpeg path.</summary>
    public string Wrapper { get; }

    private string Folder { get; }

    public static FfmpegCpuLog Create(string output)
    {
        var folder = Path.Combine(output, "ffmpeg-cpu");
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
        Directory.CreateDirectory(folder);
        var wrapper = Path.Combine(output, "ffmpeg-cpu-wrapper.sh");
        File.WriteAllText(wrapper, $$"""
            #!/usr/bin/env bash
            # Benchmark only: runs FFmpeg, then records the CPU it used and its arguments (see FfmpegCpuLog.cs).
            ffmpeg "$@"
            status=$?
            # Not in a pipe or $(...): a subshell would report its own (empty) children. Line 2 is the children's.
            times > "{{folder}}/$$.times"
            { tail -n 1 "{{folder}}/$$.times"; printf '%s\n' "$@"; } > "{{folder}}/$$.run"
            rm -f "{{folder}}/$$.times"
            exit $status
            """.Replace("\r", "", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return new FfmpegCpuLog(wrapper, folder);
    }

    /// <summary>Every recorded run so far: its task and CPU seconds.</summary>
    public IReadOnlyList<(string Task, double CpuSeconds)> Runs() =>
        [.. Directory.EnumerateFiles(Folder, "*.run").Select(path => Parse(File.ReadAllLines(path)))];

    public void Clear()
    {
        foreach (var path in Directory.EnumerateFiles(Folder, "*.run"))
        {
            File.Delete(path);
        }
    }

    /// <summary>The runs grouped by task: count and CPU seconds, most expensive first.</summary>
    public IReadOnlyList<(string Task, int Runs, double CpuSeconds)> ByTask() =>
        [.. Runs().GroupBy(run => run.Task).Select(group => (group.Key, group.Count(), group.Sum(run => run.CpuSeconds))).OrderByDescending(row => row.Item3)];

    private static (string Task, double CpuSeconds) Parse(string[] lines)
    {
        // "0m1.234s 0m0.056s": the children's user and system time.
        var cpu = TimesPattern().Matches(lines[0]).Sum(match =>
            double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * 60 + double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
        return (Classify(lines[1..]), cpu);
    }

    public static string Classify(IReadOnlyList<string> arguments)
    {
        if (arguments.Any(argument => argument.EndsWith(".cmaf.mp4", StringComparison.Ordinal)))
        {
            return "CMAF rewrap of a segment";
        }
        var graph = arguments.SkipWhile(argument => argument != "-filter_complex").Skip(1).FirstOrDefault();
        if (graph is not null && arguments.Any(argument => argument.EndsWith(".m3u8", StringComparison.Ordinal)))
        {
            var rungs = arguments.Count(argument => argument.StartsWith("[v", StringComparison.Ordinal));
            var start = arguments.SkipWhile(argument => argument != "-ss").Skip(1).FirstOrDefault();
            // One segment from the start (one forced keyframe): the fast start, or a one-segment video's chunk.
            var boundaries = arguments.SkipWhile(argument => argument != "-force_key_frames").Skip(1).FirstOrDefault()?.Split(',').Length ?? 0;
            return start is null or "0" && boundaries <= 1 ? $"chunk: first segment, {rungs} rung(s)" : "chunk: whole segments, every rung";
        }
        if (arguments.Contains("aac"))
        {
            return "audio pass";
        }
        if (arguments.Contains("framecrc"))
        {
            return "keyframe list (for the chunk plan)";
        }
        return "images and other";
    }

    [GeneratedRegex(@"(\d+)m([\d.]+)s")]
    private static partial Regex TimesPattern();
}
